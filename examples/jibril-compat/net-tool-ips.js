// @on name=net_suspicious_tool_exec*
// Blocks every IPv4 address a network tool was given on its command line. process.args is a
// string in v1 events (Jibril's documentation treats it as an array).
function process(data) {
  const ips = (data.process.args || "").match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/g) || [];
  for (const ip of ips) {
    if (NetBlockIp(ip) === -1) {
      Warn("not blocked: " + Errno());
    }
    DataPush("blocked_ips", ip);
  }
  Info(data.process.cmd + ": blocked " + ips.length + " address(es)");
}
