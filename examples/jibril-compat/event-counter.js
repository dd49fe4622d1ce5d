// @on *
// Counts events per detection: the Jibril way (read, add, write back: this races when runs are
// parallel) and with DataIncr (atomic).
function process(data) {
  const key = "seen_" + name;
  DataSet(key, String(parseInt(DataGet(key) || "0") + 1));
  DataIncr("total");
}
