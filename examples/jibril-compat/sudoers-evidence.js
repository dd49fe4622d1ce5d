// @on name=sudoers_modification
// Evidence for a sudoers write, using the field paths real Jibril v1 events have
// (file.path, background.ancestry), not the ones Jibril's documentation shows.
function process(data) {
  const dir = CreateTempDir("sudoers-" + uuid.substring(0, 8) + "-*");
  if (dir === "") {
    Error("no evidence directory: " + Errno());
    return;
  }
  const evidence = {
    event: uuid,
    file: data.file.path,
    actions: data.file.actions.actions,
    process: { cmd: data.process.cmd, args: data.process.args, pid: data.process.pid, uid: data.process.uid },
    ancestry: data.background.ancestry.map(a => a.pid + ":" + a.cmd),
  };
  WriteFile(dir + "/evidence.json", JSON.stringify(evidence));
  DataSet("last_evidence", dir);
  Info("sudoers evidence in " + dir);
}
