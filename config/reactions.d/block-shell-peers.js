// Reverse shells and network tools run from a compromised service: block the peer they connect to.
// @on name=webserver_shell_exec
// @on kind=net_suspicious_tool_exec importance>=high
function process(data) {
  const peers = ((data.background && data.background.flow_list) || [])
    .concat(data.flow ? [data.flow] : [])
    .map(f => f.remote && f.remote.address)
    .filter(a => a);
  if (peers.length === 0) {
    Info("no peer address in " + name + " event; nothing to block");
    return;
  }
  for (const ip of new Set(peers)) {
    const rc = NetBlockIp(ip);
    if (rc === -1) {
      Error("could not block " + ip + ": " + Errno());
    } else {
      Warn("blocked " + ip + " after " + name + " by " + data.process.args + " (rc " + rc + ")");
    }
  }
}
