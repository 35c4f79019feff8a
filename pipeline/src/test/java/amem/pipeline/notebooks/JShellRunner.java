package amem.pipeline.notebooks;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs notebook code the way IJava does, snippet by snippet in a JShell, and fails on the first snippet that does not
 * compile or throws.
 *
 * <p>The JShell uses the local execution engine: snippets run in this JVM, on a thread of their own, their classes
 * defined by JShell's {@code DefaultLoaderDelegate$RemoteClassLoader}, a {@code URLClassLoader} whose parent is the
 * application class loader. {@link JShell#addToClasspath} gives the compiler the test's class path (expanded through
 * the {@code Class-Path} of jar manifests: Surefire starts the JVM with a manifest-only jar) and adds the same entries
 * to that loader; since it delegates to its parent first, a class the application class loader has (the test's own,
 * DJL's, Tablesaw's) resolves to the very class the test uses, never to a second copy. That matters for DJL: a second
 * copy of the PyTorch engine would load libtorch's JNI library again, which the JVM refuses from another class loader
 * ({@code UnsatisfiedLinkError: ... already loaded in another classloader}). The constructor checks it: the notebook's
 * {@code ai.djl.engine.Engine} and {@link NotebookDisplay} must be the test's.
 *
 * <p>JShell's local engine also makes its loader the context class loader of the thread that creates it (and
 * snippet threads inherit it from the thread that calls {@code eval}), as a notebook kernel would; {@link #close}
 * gives the test thread its own back, so later tests in the same JVM do not run under a closed JShell's loader.
 */
final class JShellRunner implements AutoCloseable {

    /**
     * IJava's built-ins that the notebooks call, defined in the JShell: {@code display(Object)} shows a value below
     * the cell in Jupyter; here it goes to {@link NotebookDisplay}.
     */
    static final String PRELUDE = "String display(Object value) { return "
            + NotebookDisplay.class.getName() + ".show(value); }";

    private final JShell shell;
    private final String notebook;
    private final ClassLoader contextLoader;
    private int snippets;

    /** A fresh JShell for {@code notebook} (its name, for messages) with the test's class path and the prelude. */
    JShellRunner(String notebook) throws IOException {
        this.notebook = notebook;
        this.contextLoader = Thread.currentThread().getContextClassLoader();
        this.shell = JShell.builder().executionEngine("local").build();
        try {
            for (String entry : classPath()) {
                shell.addToClasspath(entry);
            }
            for (Class<?> shared : List.of(ai.djl.engine.Engine.class, NotebookDisplay.class)) {
                String loader = value("String.valueOf(" + shared.getName() + ".class.getClassLoader())");
                if (!loader.equals("\"" + shared.getClassLoader() + "\"")) {
                    throw new AssertionError("the notebook's " + shared.getName() + " comes from " + loader
                            + ", not from the test's " + shared.getClassLoader() + ": JShell's class loader must "
                            + "delegate to the one that loaded the test (see JShellRunner)");
                }
            }
            run("prelude", PRELUDE);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        snippets = 0;
    }

    /** Snippets evaluated so far (the prelude not counted). */
    int snippets() {
        return snippets;
    }

    /**
     * Splits {@code code} into snippets as JShell's own reader does ({@link SourceCodeAnalysis#analyzeCompletion})
     * and evaluates them in order; {@code where} names the cell in failure messages.
     */
    void run(String where, String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            if (!info.completeness().isComplete()) {
                throw new AssertionError(notebook + ", " + where + ": the cell ends inside a snippet ("
                        + info.completeness() + "):\n" + indent(remaining));
            }
            evaluate(where, info.source());
            snippets++;
            remaining = info.remaining();
        }
    }

    /** The value of a Java expression in the notebook's state, as JShell prints it (strings quoted). */
    String value(String expression) {
        List<SnippetEvent> events = evaluate("check", expression);
        SnippetEvent main = events.stream().filter(e -> e.causeSnippet() == null).findFirst()
                .orElseThrow(() -> new AssertionError(notebook + ": no result for " + expression));
        if (main.value() == null) {
            throw new AssertionError(notebook + ": " + expression + " has no value");
        }
        return main.value();
    }

    private List<SnippetEvent> evaluate(String where, String source) {
        List<SnippetEvent> events = shell.eval(source);
        for (SnippetEvent event : events) {
            Snippet snippet = event.snippet();
            boolean own = event.causeSnippet() == null;
            List<Diag> errors = shell.diagnostics(snippet).filter(Diag::isError).toList();
            boolean bad = own ? event.status() != Snippet.Status.VALID
                    : !event.status().isDefined() && event.status() != Snippet.Status.OVERWRITTEN
                            && event.status() != Snippet.Status.DROPPED;
            if (bad || !errors.isEmpty() || event.exception() != null) {
                String text = snippet.source();
                int cut = leadingBlankLines(text);
                String what = event.exception() != null ? "threw " + headline(event.exception())
                        : "is " + event.status() + (own ? "" : " (a snippet this one affected)");
                StringBuilder message = new StringBuilder(notebook).append(", ").append(where).append(": snippet ")
                        .append(what).append(":\n").append(indent(text.substring(cut).stripTrailing()));
                for (Diag diag : errors.isEmpty() ? shell.diagnostics(snippet).toList() : errors) {
                    message.append("\n  ").append(diagnostic(text, cut, diag));
                }
                if (snippet instanceof DeclarationSnippet declaration
                        && (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                                || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)) {
                    message.append("\n  unresolved: ").append(shell.unresolvedDependencies(declaration)
                            .collect(Collectors.joining(", ")));
                }
                if (event.exception() != null) {
                    message.append("\n").append(stackTrace(event.exception()));
                }
                throw new AssertionError(message.toString());
            }
        }
        return events;
    }

    /** Where the snippet's first non-blank line starts (JShell keeps the blank lines before a snippet). */
    private static int leadingBlankLines(String source) {
        int cut = 0;
        for (int i = 0; i < source.length() && Character.isWhitespace(source.charAt(i)); i++) {
            if (source.charAt(i) == '\n') {
                cut = i + 1;
            }
        }
        return cut;
    }

    private static String diagnostic(String source, int cut, Diag diag) {
        long position = diag.getPosition();
        String at = "";
        if (position >= cut && position <= source.length()) {
            int line = 1 + (int) source.substring(cut, (int) position).chars().filter(c -> c == '\n').count();
            at = "line " + line + ": ";
        }
        return (diag.isError() ? "error: " : "warning: ") + at + diag.getMessage(Locale.ROOT);
    }

    /** The exception's class and message (for an exception in snippet code, the original class's name). */
    private static String headline(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            return "an unresolved reference: " + unresolved.getSnippet().source().strip() + " is not fully defined";
        }
        String name = exception instanceof EvalException e ? e.getExceptionClassName() : exception.getClass().getName();
        return name + ": " + exception.getMessage();
    }

    private static String stackTrace(JShellException exception) {
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        return indent(trace.toString());
    }

    private static String indent(String text) {
        return text.lines().map(line -> "    " + line).collect(Collectors.joining("\n"));
    }

    /**
     * The test JVM's class path: {@code java.class.path} and, recursively, the {@code Class-Path} entries of its
     * jars' manifests (Surefire's default is a single manifest-only booter jar naming the real class path there).
     */
    static List<String> classPath() throws IOException {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry).toAbsolutePath().normalize(), entries);
            }
        }
        List<String> out = new ArrayList<>();
        for (Path entry : entries) {
            out.add(entry.toString());
        }
        return out;
    }

    private static void add(Path entry, Set<Path> entries) throws IOException {
        if (!Files.exists(entry) || !entries.add(entry)) {
            return;
        }
        if (Files.isRegularFile(entry) && entry.getFileName().toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(entry.toFile())) {
                Manifest manifest = jar.getManifest();
                String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                if (classPath != null) {
                    URI base = entry.toUri();
                    for (String item : classPath.trim().split("\\s+")) {
                        if (!item.isEmpty()) {
                            add(Path.of(base.resolve(item)).normalize(), entries);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            shell.close();
        } finally {
            Thread.currentThread().setContextClassLoader(contextLoader);
        }
    }
}
