// Crypto miners talk to their mining pool: block every remote address the detection saw.
// @on name=crypto_miner_execution
// @timeout 2s
function process(data) {
  const cmd = (data.process && (data.process.args || data.process.cmd)) || "unknown";
  const rc = NetBlockIp();   // no argument: flow, background.flow_list, legacy flows, drop-ip "ip"
  if (rc === -1) {
    Error("miner " + cmd + ": could not block its peers: " + Errno());
  } else {
    Warn("miner " + cmd + " (pid " + data.process.pid + "): pool addresses blocked (rc " + rc + ")");
  }
}
