package dev.riposte.helpers;

import dev.riposte.effect.state.KeyValues;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The store helpers. Each reaction sees only its own namespace (its name). Keys and values are
 * strings; numbers and booleans are accepted and kept as their text, as JavaScript's String() writes
 * them. Lists (DataPush/DataPop) are kept under their key as a JSON array.
 */
final class DataHelpers {
    static final List<String> NAMES = List.of(
            "DataSet",
            "DataGet",
            "DataDelete",
            "DataPush",
            "DataPop",
            "DataKeys",
            "DataValues",
            "DataClear",
            "DataSize",
            "DataIsEmpty",
            "DataHasKey",
            "DataHasValue",
            "DataIncr");

    private DataHelpers() {}

    static void install(Map<String, ProxyExecutable> out, Functions f, KeyValues store) {
        // The namespace is read at each call: the functions are installed before the run's reaction is known.
        RunScope scope = f.scope();
        out.put("DataSet", f.code("DataSet", args -> {
            Args.count(args, 2, 2);
            return store.set(scope.reaction(), Args.scalar(args, 0, "key"), Args.scalar(args, 1, "value"));
        }));
        out.put("DataGet", f.value("DataGet", "", args -> {
            Args.count(args, 1, 1);
            return Functions.Failure.valueOf(store.get(scope.reaction(), Args.scalar(args, 0, "key")));
        }));
        out.put("DataDelete", f.code("DataDelete", args -> {
            Args.count(args, 1, 1);
            return store.delete(scope.reaction(), Args.scalar(args, 0, "key"));
        }));
        out.put("DataPush", f.code("DataPush", args -> {
            Args.count(args, 2, 2);
            return store.push(scope.reaction(), Args.scalar(args, 0, "key"), Args.scalar(args, 1, "value"));
        }));
        out.put("DataPop", f.value("DataPop", "", args -> {
            Args.count(args, 1, 1);
            return Functions.Failure.valueOf(store.pop(scope.reaction(), Args.scalar(args, 0, "key")));
        }));
        out.put("DataKeys", f.value("DataKeys", "", args -> {
            Args.count(args, 0, 0);
            return Functions.Failure.valueOf(store.keys(scope.reaction()));
        }));
        out.put("DataValues", f.value("DataValues", "", args -> {
            Args.count(args, 0, 0);
            return Functions.Failure.valueOf(store.values(scope.reaction()));
        }));
        out.put("DataClear", f.code("DataClear", args -> {
            Args.count(args, 0, 0);
            return store.clear(scope.reaction());
        }));
        out.put("DataSize", f.value("DataSize", -1, args -> {
            Args.count(args, 0, 0);
            return Integer.parseInt(Functions.Failure.valueOf(store.size(scope.reaction())));
        }));
        out.put("DataIsEmpty", f.value("DataIsEmpty", null, args -> {
            Args.count(args, 0, 0);
            return Functions.Failure.valueOf(store.size(scope.reaction())).equals("0");
        }));
        out.put("DataHasKey", f.value("DataHasKey", null, args -> {
            Args.count(args, 1, 1);
            return Boolean.parseBoolean(
                    Functions.Failure.valueOf(store.hasKey(scope.reaction(), Args.scalar(args, 0, "key"))));
        }));
        out.put("DataHasValue", f.value("DataHasValue", null, args -> {
            Args.count(args, 1, 1);
            return Boolean.parseBoolean(
                    Functions.Failure.valueOf(store.hasValue(scope.reaction(), Args.scalar(args, 0, "value"))));
        }));
        out.put("DataIncr", f.value("DataIncr", null, args -> {
            Args.count(args, 1, 2);
            String key = Args.scalar(args, 0, "key");
            long delta = args.length == 2 ? Args.integer(args, 1, "delta") : 1;
            long sum = Long.parseLong(Functions.Failure.valueOf(store.increment(scope.reaction(), key, delta)));
            if (Math.abs(sum) > Args.MAX_SAFE_INTEGER) {
                throw new Functions.Failure(
                        "key \"" + key + "\" now holds " + sum + ", beyond what a JavaScript number holds exactly");
            }
            return sum;
        }));
    }
}
