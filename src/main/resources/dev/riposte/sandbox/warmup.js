// @on *
// riposte's warm-up after start (Warmup): reads the event as a typical reaction does and calls a network
// helper, which refuses (the warm-up's effects all refuse). Logs nothing.
function process(data) {
  let cmd = (data.process && (data.process.args || data.process.cmd)) || "unknown";
  cmd = cmd.replace(/[\x00-\x1f\x7f]/g, "");
  if (cmd.length > 500) cmd = cmd.substring(0, 500) + "...";
  const seen = [];
  let flows = (data.background && data.background.flow_list) || [];
  if (data.flow) flows = flows.concat([data.flow]);
  for (const f of flows) {
    if (f && f.remote && f.remote.address && seen.indexOf(f.remote.address) < 0) seen.push(f.remote.address);
  }
  for (const ip of seen) {
    if (!ip.startsWith("10.") && !ip.startsWith("192.168.")) NetBlockIp(ip);
  }
  return name + " " + uuid + " " + cmd.length + " " + seen.length;
}
