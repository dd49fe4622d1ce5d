// Falco saw a shell opened in a container (its stock rule "Terminal shell in container"): keep the
// alert as evidence and kill the shell. KillCurrent needs proc.pid and proc.pid.ts in the alert's
// output_fields: docs/installation.md, "With Falco", shows the append_output that adds them.
// @on name="Terminal shell in container"
// @timeout 2s
function process(data) {
  const f = data.output_fields;
  const dir = CreateTempDir("falco-shell-*");
  if (dir !== "") {
    WriteFile(dir + "/alert.json", JSON.stringify(data, null, 2));
  }
  const rc = KillCurrent();
  Warn("falco: " + name + " in " + f["container.name"] + " (" + f["k8s.pod.name"] + "): " + f["proc.cmdline"] +
    " (pid " + f["proc.pid"] + "), KillCurrent " + rc + (rc === -1 ? ": " + Errno() : ""));
}
