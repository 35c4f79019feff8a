package amem.pipeline.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** File-system errors in words a user acts on, without Java's exception class names. */
final class FileErrors {

    private FileErrors() {}

    static String describe(FileSystemException e) {
        String file = e.getFile();
        String what;
        if (e instanceof FileAlreadyExistsException) {
            what = "already exists; add --overwrite to replace it, or choose another output";
        } else if (e instanceof AccessDeniedException) {
            what = "permission denied; choose a path you can write to";
        } else if (e instanceof NoSuchFileException) {
            what = "no such file or directory";
        } else if (e instanceof NotDirectoryException) {
            what = "not a directory";
        } else if (e instanceof DirectoryNotEmptyException) {
            what = "directory not empty";
        } else {
            what = e.getReason() != null ? e.getReason() : "file system error";
        }
        return (file == null ? "" : file + ": ") + what
                + (e.getOtherFile() != null ? " (with " + e.getOtherFile() + ")" : "");
    }
}
