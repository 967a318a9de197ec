package io.radflow.pixels.host;

import io.radflow.pixels.host.CodecProtocol.RequestHead;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The codec host: a child JVM in which GDCM (native code) decodes compressed pixel data, so that
 * a crash or hang on a hostile codestream takes down this process, never the caller's. It speaks
 * {@link CodecProtocol} on stdin/stdout and nothing else: {@code System.out} is pointed at stderr
 * before anything runs, and GDCM's own warnings go to stderr, which the parent logs at DEBUG.
 * It decodes one request at a time and exits at the end of its stdin.
 *
 * <p>Usage (started by the pixels module, not by hand): {@code java -Xmx.. -cp <class path>
 * io.radflow.pixels.host.CodecHost <path of libgdcmjni.so>}. Exit codes: 0 at the end of stdin,
 * {@value #EXIT_NO_GDCM} when GDCM cannot be loaded, {@value #EXIT_PROTOCOL} on a broken request stream,
 * {@value #EXIT_ORPHANED} when the parent process ended while a decode was running.
 */
public final class CodecHost {

    /**
     * System property that lets requests carry test faults (hang, crash). Only tests set it (through
     * the codec processes' JVM options); without it such requests are refused.
     */
    public static final String TEST_HOOKS_PROPERTY = "radflow.pixels.codec.testHooks";

    public static final int EXIT_NO_GDCM = 3;
    public static final int EXIT_PROTOCOL = 4;
    public static final int EXIT_ORPHANED = 5;

    private CodecHost() {
    }

    public static void main(String[] args) {
        // The protocol owns file descriptor 1; anything printed through System.out goes to stderr.
        DataOutputStream protocolOut = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(System.err);
        DataInputStream protocolIn = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));

        if (args.length != 1) {
            System.err.println("usage: CodecHost <path of GDCM's JNI library libgdcmjni.so>");
            System.exit(EXIT_NO_GDCM);
        }
        Path library = Path.of(args[0]);
        String version;
        try {
            if (!Files.isReadable(library)) {
                throw new IOException("no such file");
            }
            System.load(library.toAbsolutePath().toString());
            version = GdcmCodec.version();
        } catch (Throwable t) {
            System.err.println("cannot load GDCM's JNI library " + library + ": " + t);
            System.exit(EXIT_NO_GDCM);
            return;
        }
        // a parent that dies without closing our stdin cannot kill a hung decode any more: do it ourselves
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(EXIT_ORPHANED)));
        boolean testHooks = Boolean.getBoolean(TEST_HOOKS_PROPERTY);
        try {
            CodecProtocol.writeHello(protocolOut, version, ProcessHandle.current().pid());
            GdcmCodec codec = new GdcmCodec(testHooks);
            while (true) {
                RequestHead head;
                try {
                    head = CodecProtocol.readRequestHead(protocolIn);
                } catch (EOFException end) {
                    break; // the parent closed our stdin: done
                }
                codec.handle(head, protocolIn, protocolOut);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("codec host: broken request stream: " + e);
            System.exit(EXIT_PROTOCOL);
        }
        System.exit(0);
    }
}
