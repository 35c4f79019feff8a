package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static amem.pipeline.LauncherScripts.java;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.LauncherScripts;
import amem.pipeline.LauncherScripts.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive for {@code prepare text} (scripts/amem-env.sh, {@code amem_class_archive}):
 * the function itself, run by bash against this test's class path, makes the archive once, hands the JVM the flag
 * that maps it, makes it again when the build is newer, and a JVM started with those flags runs the command.
 * The JVM archives classes from jars only, so the class path's directories (Maven's {@code target/classes}) are
 * packed into jars first.
 */
class ClassArchiveLauncherTest {

    @Test
    void archiveIsMadeOnceUsedAndRemadeWhenTheBuildIsNewer(@TempDir Path dir) throws Exception {
        // an archive of the application's classes builds on the JDK's own one (lib/server/classes.jsa)
        org.junit.jupiter.api.Assumptions.assumeTrue(
                LauncherScripts.run(List.of(java(), "-Xshare:on", "-version"), Map.of()).exit() == 0,
                "a JDK with its class-data archive");
        Path stamp = Files.writeString(dir.resolve("build.stamp"), "a build");
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().minusSeconds(60)));
        Path archives = dir.resolve("cds");
        Path archive = archives.resolve("prepare-text.jsa");
        String classPath = jarredClassPath(dir.resolve("jars"));
        String launch = "'" + java() + "' -cp '" + classPath + "' " + AmemCli.class.getName();

        String flags = flags("prepare text", archives, stamp, launch);
        assertTrue(Files.isRegularFile(archive) && Files.size(archive) > 100_000, "an archive was made: " + flags);
        assertTrue(flags.contains("-XX:SharedArchiveFile=" + archive), flags);
        try (var left = Files.list(archives)) {
            assertEquals(List.of(archive), left.toList(), "no scratch directory left behind");
        }

        FileTime made = Files.getLastModifiedTime(archive);
        flags("prepare text", archives, stamp, launch); // up to date: kept
        assertEquals(made, Files.getLastModifiedTime(archive));
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().plusSeconds(60)));
        flags("prepare text", archives, stamp, launch); // the build is newer: made again
        assertTrue(Files.getLastModifiedTime(archive).compareTo(made) > 0, "a stale archive is made again");

        // A JVM started as the launcher starts it maps the archive and runs the command.
        Path text = Files.writeString(dir.resolve("t.txt"), "Some words to tokenize, and some more words.\n".repeat(50));
        List<String> command = new java.util.ArrayList<>(List.of(java()));
        command.addAll(List.of(flags.trim().split("\n")));
        command.addAll(List.of("-Xlog:cds=info", "-cp", classPath,
                AmemCli.class.getName(), "prepare", "text", "--out", dir.resolve("store").toString(), text.toString()));
        Result run = LauncherScripts.run(command, Map.of());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("Opened archive " + archive), "the archive is mapped:\n" + run.output());
        assertTrue(Files.isRegularFile(dir.resolve("store/meta.json")), run.output());
    }

    @Test
    void offOrAnotherCommandLeavesTheFlagsAlone(@TempDir Path dir) throws Exception {
        Path stamp = Files.writeString(dir.resolve("build.stamp"), "a build");
        assertEquals("", flags("train --config x", dir.resolve("cds"), stamp, "java -cp x Main").trim());
        String off = flags("prepare text", dir.resolve("cds"), stamp, "java -cp x Main", "AMEM_CLASS_ARCHIVE=off;");
        assertEquals("-XX:TieredStopAtLevel=1", off.trim());
        assertTrue(Files.notExists(dir.resolve("cds")));
    }

    /** A JVM that cannot make an archive is asked once per build, not on every run. */
    @Test
    void aJvmThatCannotMakeOneIsNotAskedAgainUntilTheNextBuild(@TempDir Path dir) throws Exception {
        Path stamp = Files.writeString(dir.resolve("build.stamp"), "a build");
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().minusSeconds(60)));
        Path calls = dir.resolve("calls");
        Path java = Files.writeString(dir.resolve("java"), "#!/bin/sh\necho x >> '" + calls + "'\nexit 1\n");
        assertTrue(java.toFile().setExecutable(true));
        String launch = "'" + java + "' -cp x Main";
        assertEquals("-XX:TieredStopAtLevel=1", flags("prepare text", dir.resolve("cds"), stamp, launch).trim());
        assertEquals("-XX:TieredStopAtLevel=1", flags("prepare text", dir.resolve("cds"), stamp, launch).trim());
        assertEquals(1, Files.readAllLines(calls).size(), "asked once");
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().plusSeconds(60)));
        flags("prepare text", dir.resolve("cds"), stamp, launch);
        assertEquals(2, Files.readAllLines(calls).size(), "asked again after a new build");
    }

    /**
     * The JVM flags of the amem command {@code command} after the launcher's two functions, one per line;
     * {@code launch} is how the launcher starts amem (the java binary, then its class path and main class), and
     * {@code settings} shell assignments made first.
     */
    private static String flags(String command, Path archives, Path stamp, String launch, String... settings)
            throws Exception {
        Result result = LauncherScripts.sourced(String.join(" ", settings) + " amem_command_flags " + command
                + "; amem_class_archive '" + archives + "' '" + stamp + "' " + launch
                + "; printf '%s\\n' \"${AMEM_COMMAND_FLAGS[@]}\"");
        assertEquals(0, result.exit(), result.output());
        return result.output();
    }

    /** This JVM's class path with every directory packed into a jar under {@code into}. */
    private static String jarredClassPath(Path into) throws IOException {
        Files.createDirectories(into);
        List<String> entries = new java.util.ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.isDirectory(path)) {
                entries.add(entry);
                continue;
            }
            Path jar = into.resolve("classes-" + (n++) + ".jar");
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                    var files = Files.walk(path)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    out.putNextEntry(new java.util.jar.JarEntry(path.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
            entries.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
