// @on name=sudoers_modification
// Jibril's documentation reads these fields; real v1 events do not have them (see docs/jibril-compat.md).
// riposte check warns about each line below. On a real event the first reads undefined and the second
// throws a TypeError (file.actions is an object).
function process(data) {
  Info("File: " + data.file.file);
  Info("Actions: " + data.file.actions.join(", "));
  Info("Ancestors: " + data.base.background.ancestry.length);
}
