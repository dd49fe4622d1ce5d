# Sourced by bin/riposte and bin/test: find_java prints the path of a java binary of version 25 or newer.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_java() {
  local candidates=()
  [[ -n "${RIPOSTE_JAVA:-}" ]] && candidates+=("$RIPOSTE_JAVA")
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  for d in /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/java-2[5-9]* /usr/lib/jvm/jdk-2[5-9]*; do
    [[ -x "$d/bin/java" ]] && candidates+=("$d/bin/java")
  done
  command -v java >/dev/null && candidates+=("$(command -v java)")
  for j in "${candidates[@]}"; do
    local v; v="$(java_major "$j" || true)"
    if [[ -n "$v" && "$v" -ge 25 ]]; then echo "$j"; return 0; fi
  done
  echo "riposte: no JDK 25 or newer found (set RIPOSTE_JAVA or JAVA_HOME)" >&2
  return 1
}

