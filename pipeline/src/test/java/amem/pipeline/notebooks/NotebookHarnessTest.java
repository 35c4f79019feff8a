package amem.pipeline.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook harness itself: a failing snippet must fail the test, naming the cell, and magics are filtered. */
class NotebookHarnessTest {

    @Test
    void failuresNameTheCellTheSnippetAndTheCause() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (JShellRunner shell = new JShellRunner("test.ipynb")) {
            shell.run("cell 1", "int x = 1;\nint twice(int v) { return 2 * v; }\ntwice(x)");
            assertEquals("2", shell.value("twice(x)"));
            assertEquals(3, shell.snippets());

            String rejected = assertThrows(AssertionError.class, () -> shell.run("cell 2", "int y = notDefined + 1;"))
                    .getMessage();
            assertTrue(rejected.contains("test.ipynb, cell 2") && rejected.contains("REJECTED")
                    && rejected.contains("int y = notDefined + 1;") && rejected.contains("notDefined"), rejected);

            String multiLine = assertThrows(AssertionError.class,
                    () -> shell.run("cell 2b", "int w = 2;\n\nint v = w\n        + undefinedThing;")).getMessage();
            assertTrue(multiLine.contains("    int v = w\n            + undefinedThing;")
                    && multiLine.contains("error: line 2: cannot find symbol"), multiLine);

            String thrown = assertThrows(AssertionError.class, () -> shell.run("cell 3", "x = 5;\nInteger.parseInt(\"z\")"))
                    .getMessage();
            assertTrue(thrown.contains("cell 3") && thrown.contains("java.lang.NumberFormatException")
                    && thrown.contains("For input string"), thrown);
            assertEquals("5", shell.value("x"), "the snippets before the failing one ran");

            String unresolved = assertThrows(AssertionError.class, () -> shell.run("cell 4", "void f() { g(); }"))
                    .getMessage();
            assertTrue(unresolved.contains("RECOVERABLE") && unresolved.contains("g()"), unresolved);

            String incomplete = assertThrows(AssertionError.class, () -> shell.run("cell 5", "int z = (1 +")).getMessage();
            assertTrue(incomplete.contains("cell 5") && incomplete.contains("ends inside a snippet"), incomplete);

            NotebookDisplay.drain();
            shell.run("cell 6", "display(\"shown\");");
            assertEquals(List.of("shown"), NotebookDisplay.drain());
        }
        assertEquals(before, Thread.currentThread().getContextClassLoader(), "context class loader restored");
    }

    @Test
    void classPathMagicsAreDroppedOthersRefused() {
        IJavaMagics.Stripped stripped = IJavaMagics.strip("%jars ../a.jar\n  %maven g:a:1\nint x = 1;\n%classpath lib/*");
        assertEquals("\n\nint x = 1;\n", stripped.code());
        assertEquals(List.of("%jars ../a.jar", "%maven g:a:1", "%classpath lib/*"), stripped.magics());
        assertEquals("", IJavaMagics.strip("%%classpath\nlib/a.jar").code());
        String load = assertThrows(IllegalArgumentException.class, () -> IJavaMagics.strip("int x = 1;\n%load x.jsh"))
                .getMessage();
        assertTrue(load.contains("line 2") && load.contains("%load x.jsh"), load);
        assertThrows(IllegalArgumentException.class, () -> IJavaMagics.strip("%%loadFromPOM\n<dependency/>"));
        assertEquals("int percent = 7 % 3;", IJavaMagics.strip("int percent = 7 % 3;").code());
    }

    @Test
    void cellsAreReadFromStringsOrLineLists(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("n.ipynb");
        Files.writeString(file, """
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                 "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# title"},
                           {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
                            "source": ["int a = 1;\\n", "a + 1"]}]}
                """);
        NotebookCells notebook = NotebookCells.read(file);
        assertEquals(2, notebook.cells().size());
        assertEquals(List.of("int a = 1;\na + 1"), notebook.codeCells().stream().map(NotebookCells.Cell::source).toList());
        Files.writeString(file, "{\"nbformat\": 3, \"cells\": []}");
        assertThrows(IllegalArgumentException.class, () -> NotebookCells.read(file));
    }
}
