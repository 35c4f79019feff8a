package amem.pipeline.notebooks;

import java.util.ArrayList;
import java.util.List;

/**
 * The test's stand-in for IJava's {@code display(Object)} built-in: a notebook cell calls {@code display(x)} to show
 * {@code x} below the cell (IJava renders a {@link java.awt.image.RenderedImage} as PNG, other objects as text);
 * here {@link JShellRunner} defines {@code String display(Object)} in the JShell to hand {@code x} to {@link #show},
 * and the test keeps what was shown, checks it and saves images as PNG files. It returns an id like IJava's.
 *
 * <p>The notebook's code runs in this JVM (JShell's local execution engine) and its class loader delegates to the
 * application class loader, so the JShell code and the test see this same class and its list.
 */
public final class NotebookDisplay {

    private static final List<Object> SHOWN = new ArrayList<>();

    private NotebookDisplay() {}

    /** Records {@code value}; returns its display id. */
    public static synchronized String show(Object value) {
        SHOWN.add(value);
        return "display-" + SHOWN.size();
    }

    /** Everything shown since the previous call, in order. */
    static synchronized List<Object> drain() {
        List<Object> shown = List.copyOf(SHOWN);
        SHOWN.clear();
        return shown;
    }
}
