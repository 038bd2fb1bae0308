import select, socket, subprocess, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(48)]
time.sleep(1)
closed = 0
for s in held:
    if select.select([s], [], [], 0)[0]:
        try:
            closed += s.recv(1) == b""
        except OSError:
            closed += 1
print("closed %d of 48" % closed)


def code(src):
    return subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
         "--max-time", "5", "--interface", src,
         "http://127.0.0.1:%d/api/v1/config" % port],
        capture_output=True, text=True).stdout


print("from 127.0.0.1 while held: %s" % code("127.0.0.1"))
print("from 127.0.0.2 while held: %s" % code("127.0.0.2"))
for s in held:
    s.close()
# until op25bd has seen the closes, however busy the machine
for i in range(600):
    after = code("127.0.0.1")
    if after == "200":
        break
    time.sleep(0.1)
print("from 127.0.0.1 after: %s" % after)
