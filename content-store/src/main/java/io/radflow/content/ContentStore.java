package io.radflow.content;

import java.io.InputStream;
import java.nio.file.Path;

/** A content reader that also stores content and hands back its claim check. */
public interface ContentStore extends ContentReader {

    StoredContent put(InputStream content);

    StoredContent put(Path file);
}
