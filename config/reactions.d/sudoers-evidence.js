// A write to /etc/sudoers is privilege escalation in progress: keep the event and a readable
// summary of who did it in a fresh evidence directory.
// @on name=sudoers_modification
// @on name=reading_of_ssh_keys
function process(data) {
  const dir = CreateTempDir(name + "-*");
  if (dir === "") {
    Error("no evidence directory: " + Errno());
    return;
  }
  const chain = ((data.background && data.background.ancestry) || [])
    .map(p => p.pid + " " + (p.args || p.cmd || p.exe))
    .join("\n");
  const file = data.file ? data.file.path : "(no file)";
  const summary = "detection: " + name + " (" + uuid + ")\n" +
    "file: " + file + "\n" +
    "process: " + data.process.pid + " " + (data.process.args || data.process.cmd) + "\n" +
    "ancestry:\n" + chain + "\n";
  if (WriteFile(dir + "/summary.txt", summary) !== 0 || WriteFile(dir + "/event.json", JSON.stringify(data, null, 2)) !== 0) {
    Error("evidence incomplete in " + dir + ": " + Errno());
    return;
  }
  Info("evidence for " + name + " saved in " + dir);
}
