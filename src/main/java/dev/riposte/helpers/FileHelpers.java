package dev.riposte.helpers;

import dev.riposte.effect.files.FileEffects;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/** The file helpers: evidence directories and files, and reading within the read roots. */
final class FileHelpers {
    static final List<String> NAMES = List.of("CreateTempDir", "RemoveDir", "WriteFile", "ReadFile", "Stat");

    private FileHelpers() {}

    static void install(Map<String, ProxyExecutable> out, Functions f, FileEffects files, Value jsonParse) {
        out.put("CreateTempDir", f.value("CreateTempDir", "", args -> {
            Args.count(args, 1, 1);
            return Functions.Failure.valueOf(files.createTempDir(Args.string(args, 0, "pattern")));
        }));
        out.put("RemoveDir", f.code("RemoveDir", args -> {
            Args.count(args, 1, 1);
            return files.removeDir(Args.string(args, 0, "path"));
        }));
        out.put("WriteFile", f.code("WriteFile", args -> {
            Args.count(args, 2, 2);
            String path = Args.string(args, 0, "path");
            return files.writeFile(path, Args.string(args, 1, "data").getBytes(StandardCharsets.UTF_8));
        }));
        out.put("ReadFile", f.value("ReadFile", "", args -> {
            Args.count(args, 1, 1);
            return Functions.Failure.valueOf(files.readFile(Args.string(args, 0, "path")));
        }));
        out.put("Stat", f.value("Stat", null, args -> {
            Args.count(args, 1, 1);
            return jsonParse.execute(Functions.Failure.valueOf(files.stat(Args.string(args, 0, "path"))));
        }));
    }
}
