import crypt, sys
bob = sys.argv[1]
print("# op25b dashboard users")
print("alice:" + crypt.crypt("alice-pw", crypt.mksalt(crypt.METHOD_BLOWFISH,
                                                      rounds=32)))
print("bob:" + crypt.crypt(bob, crypt.mksalt(crypt.METHOD_SHA512)))
print("no colon here")
