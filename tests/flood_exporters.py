import json, sys
j = json.load(open(sys.argv[1]))
ex = j["exporters"]
print(sum(e["records"] for e in ex if e["address"] == "127.0.0.1"),
      sum(e["records"] for e in ex if e["address"] == "127.0.0.2"),
      sum(1 for e in ex if e["address"] == "127.0.0.5"),
      j["refused"]["evicted"], j["refused"]["over_cap"],
      j["kernel_drops"]["ipfix"], j["kernel_drops"]["netflow"])
