package dev.riposte.helpers;

import dev.riposte.base.EffectResult;
import dev.riposte.effect.state.KeyValues;
import dev.riposte.effect.state.SqliteKeyValues;
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
            store.set(scope.reaction(), Args.scalar(args, 0, "key"), Args.scalar(args, 1, "value"));
            return EffectResult.done();
        }));
        out.put("DataGet", f.value("DataGet", "", args -> {
            Args.count(args, 1, 1);
            String key = Args.scalar(args, 0, "key");
            return store.get(scope.reaction(), key).orElseThrow(() -> new Functions.Failure("no key \"" + key + "\""));
        }));
        out.put("DataDelete", f.code("DataDelete", args -> {
            Args.count(args, 1, 1);
            return store.delete(scope.reaction(), Args.scalar(args, 0, "key"))
                    ? EffectResult.done()
                    : EffectResult.unchanged();
        }));
        out.put("DataPush", f.code("DataPush", args -> {
            Args.count(args, 2, 2);
            store.push(scope.reaction(), Args.scalar(args, 0, "key"), Args.scalar(args, 1, "value"));
            return EffectResult.done();
        }));
        out.put("DataPop", f.value("DataPop", "", args -> {
            Args.count(args, 1, 1);
            String key = Args.scalar(args, 0, "key");
            return store.pop(scope.reaction(), key)
                    .orElseThrow(() -> new Functions.Failure("the list \"" + key + "\" is empty"));
        }));
        out.put("DataKeys", f.value("DataKeys", "", args -> {
            Args.count(args, 0, 0);
            return SqliteKeyValues.toJson(store.keys(scope.reaction()));
        }));
        out.put("DataValues", f.value("DataValues", "", args -> {
            Args.count(args, 0, 0);
            return SqliteKeyValues.toJson(store.values(scope.reaction()));
        }));
        out.put("DataClear", f.code("DataClear", args -> {
            Args.count(args, 0, 0);
            return store.clear(scope.reaction()) > 0 ? EffectResult.done() : EffectResult.unchanged();
        }));
        out.put("DataSize", f.value("DataSize", -1, args -> {
            Args.count(args, 0, 0);
            return store.size(scope.reaction());
        }));
        out.put("DataIsEmpty", f.value("DataIsEmpty", null, args -> {
            Args.count(args, 0, 0);
            return store.size(scope.reaction()) == 0;
        }));
        out.put("DataHasKey", f.value("DataHasKey", null, args -> {
            Args.count(args, 1, 1);
            return store.hasKey(scope.reaction(), Args.scalar(args, 0, "key"));
        }));
        out.put("DataHasValue", f.value("DataHasValue", null, args -> {
            Args.count(args, 1, 1);
            return store.hasValue(scope.reaction(), Args.scalar(args, 0, "value"));
        }));
        out.put("DataIncr", f.value("DataIncr", null, args -> {
            Args.count(args, 1, 2);
            String key = Args.scalar(args, 0, "key");
            long delta = args.length == 2 ? Args.integer(args, 1, "delta") : 1;
            long sum = store.increment(scope.reaction(), key, delta);
            if (Math.abs(sum) > Args.MAX_SAFE_INTEGER) {
                throw new Functions.Failure(
                        "key \"" + key + "\" now holds " + sum + ", beyond what a JavaScript number holds exactly");
            }
            return sum;
        }));
    }
}
