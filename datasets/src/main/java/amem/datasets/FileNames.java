package amem.datasets;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File names read from files (a token store's {@code meta.json}, an activation manifest, a sweep's cell names)
 * resolved against the directory they belong to, and refused when they would lead outside it: a file downloaded
 * from elsewhere must not make amem read or write {@code ../../somewhere}. Symbolic links placed by the user are
 * followed as the user placed them; only the names written inside files are checked.
 */
public final class FileNames {

    private FileNames() {}

    /** A file name from a file that leads outside its directory (or is not a valid name at all). */
    public static final class EscapingNameException extends IOException {
        private static final long serialVersionUID = 1L;

        EscapingNameException(String message) {
            super(message);
        }
    }

    /**
     * {@code dir.resolve(name)}, provided {@code name} is a relative name that stays inside {@code dir}.
     *
     * @param origin what the name came from, for the message (e.g. {@code "DIR/meta.json, splits.train.file"})
     * @throws EscapingNameException naming the origin and the name otherwise
     */
    public static Path inside(Path dir, String name, String origin) throws EscapingNameException {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw new EscapingNameException(origin + ": \"" + Messages.quoted(name) + "\" is not a valid file name");
        }
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = base.resolve(relative).normalize();
        if (name.isEmpty() || relative.isAbsolute() || !resolved.startsWith(base) || resolved.equals(base)) {
            throw new EscapingNameException(origin + ": \"" + Messages.quoted(name) + "\" leads outside " + dir
                    + "; names in this file must be relative names of files inside that directory");
        }
        return dir.resolve(relative);
    }

}
