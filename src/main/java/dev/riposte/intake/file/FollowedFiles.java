package dev.riposte.intake.file;

import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.state.StateStore;
import dev.riposte.intake.SourceStatus;
import dev.riposte.intake.StreamIntake;
import dev.riposte.stats.Metrics;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of {@code intake.files}, each followed by its own {@link FileSource}, and the saving of
 * their positions. Two steps, for the daemon's stop order: {@link #create} sets up the positions (whose
 * last save, {@link #savePositions}, must come after the dispatcher has drained), {@link #start} starts
 * the readers (which {@link #close} stops first). Thread-safe.
 */
public final class FollowedFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowedFiles.class);
    /** The table the files' positions are kept in ({@link SqlitePositions}). */
    public static final List<StateStore.Migration> SCHEMA = SqlitePositions.SCHEMA;

    private final RiposteConfig.Intake config;
    private final Positions positions;
    private final PositionSaver saver;
    private final List<FileSource> sources = new ArrayList<>();

    private FollowedFiles(RiposteConfig.Intake config, Positions positions) {
        this.config = config;
        this.positions = positions;
        this.saver = new PositionSaver(positions, System::nanoTime);
    }

    /** The positions live in {@code store}, or in memory only when it is null (the store is unavailable). */
    public static FollowedFiles create(RiposteConfig.Intake config, @Nullable StateStore store) {
        if (store == null && !config.files().isEmpty()) {
            LOG.warn("intake: the state store is unavailable: positions in the followed files are kept in memory only, "
                    + "so after a restart each file is read again as its start setting says");
        }
        FollowedFiles f = new FollowedFiles(config, store == null ? Positions.inMemory() : new SqlitePositions(store));
        f.saver.start();
        return f;
    }

    /** Starts following every configured file. */
    public void start(Dispatcher dispatcher, Metrics metrics) {
        LocalLogFiles files = new LocalLogFiles(LibC.system());
        for (RiposteConfig.FollowedFile f : config.files()) {
            StreamIntake intake = new StreamIntake(f.path().toString(), f.format(), dispatcher, metrics);
            FileSource source =
                    new FileSource(f, files, positions, intake, config.maxEventBytes(), saver, System::nanoTime);
            sources.add(source);
            source.start();
        }
    }

    public List<SourceStatus> statuses() {
        return sources.stream().map(FileSource::status).toList();
    }

    /** Stops the readers; what they read and the dispatcher did not take is read again after a restart. */
    @Override
    public void close() {
        for (FileSource s : sources) {
            s.close();
        }
    }

    /** Saves every position one last time and stops the saver: after the dispatcher has drained. */
    public void savePositions() {
        saver.close();
    }
}
