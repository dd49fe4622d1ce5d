// Every critical detection gets one line in the log, whatever else handles it.
// @on importance>=critical
function process(data) {
  const p = data.process || {};
  Warn("critical detection " + name + " (" + kind + "): pid " + p.pid + " " + (p.exe || "") + " [" + uuid + "]");
}
