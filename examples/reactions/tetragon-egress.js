// Tetragon's tcp_connect kprobe to an address outside the cluster (the policy
// monitor-network-activity-outside-cluster-cidr-range from Tetragon's quickstart): block the peer
// (sock_arg.daddr) for an hour, unless Tetragon already killed the process itself.
// @on kind=process_kprobe name="monitor-network-*"
function process(data) {
  const k = data.process_kprobe;
  if (k.action === "KPROBE_ACTION_SIGKILL") {
    Info("tetragon already enforced " + name + " on " + k.process.binary);
    return;
  }
  const peer = k.args.filter(a => a.sock_arg).map(a => a.sock_arg.daddr)[0];
  const rc = NetBlockIpTimer(peer, 3600);
  Warn("tetragon: " + k.process.binary + " " + (k.process.arguments || "") + " (pid " + k.process.pid + ") connected to " +
    peer + ": blocked for 1h (rc " + rc + ")");
}
