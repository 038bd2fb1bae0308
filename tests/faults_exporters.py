import json, sys
for e in json.load(open(sys.argv[1]))["exporters"]:
    if e["address"] == "127.0.0.14" and e["domain"] == 1:
        print(e["templates"], e["templates_withdrawn"], e["templates_refused"])
