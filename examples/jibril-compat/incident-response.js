// @on name=exec_from_unusual_dir importance>=high
// A multi-stage response: contain (kill the process and its parent shell, block its peers), collect
// evidence, and keep an incident record in the store.
function process(data) {
  const incident = "INC-" + uuid.substring(0, 8);
  const actions = [];
  if (KillCurrent() === 0) actions.push("process_killed");
  if (KillParent() === 0) actions.push("parent_killed");
  if (NetBlockIp() === 0) actions.push("peers_blocked");

  const dir = CreateTempDir("incident-*");
  const files = [];
  if (dir !== "") {
    const chain = data.background.ancestry.map(a => a.cmd).join(" > ");
    if (WriteFile(dir + "/process.json", JSON.stringify({ incident, exe: data.process.exe, chain })) === 0) {
      files.push("process.json");
    }
  }
  DataSet("incident_" + incident, JSON.stringify({ actions, files }));
  const total = DataIncr("incidents");
  Error(incident + ": " + actions.join(",") + " evidence=" + files.length + " total=" + total);
}
