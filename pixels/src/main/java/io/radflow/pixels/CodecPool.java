package io.radflow.pixels;

import io.radflow.pixels.CodecProcess.Reply;
import io.radflow.pixels.PixelDecodeException.Problem;
import io.radflow.pixels.host.CodecProtocol.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Up to {@link CodecSettings#processes()} codec processes, started when first needed. A decode
 * borrows an idle process (or starts one, or waits for one), and gives it back unless it was
 * killed or died, in which case the next decode that needs one starts a replacement (logged at
 * INFO with the fate of the one it replaces). Thread-safe.
 */
final class CodecPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CodecPool.class);

    private final CodecSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition returned = lock.newCondition();
    private final Deque<CodecProcess> idle = new ArrayDeque<>();
    private final Set<CodecProcess> all = new LinkedHashSet<>();
    private final Deque<String> fates = new ArrayDeque<>();
    private final ScheduledExecutorService watchdog;
    private int starting;
    private int started;
    private boolean closed;

    CodecPool(CodecSettings settings) {
        this.settings = settings;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "radflow-codec-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /** Decodes in a borrowed process; see {@link CodecProcess#decode}. */
    Reply decode(Request request, String what) {
        CodecProcess p = borrow();
        try {
            return p.decode(request, settings.decodeTimeout(), watchdog, what);
        } finally {
            giveBack(p);
        }
    }

    private CodecProcess borrow() {
        String replaces;
        int number;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new PixelDecodeException(Problem.CODEC_UNAVAILABLE, "the pixel decoder is closed");
                }
                CodecProcess p = idle.pollFirst();
                if (p != null) {
                    if (!p.dead()) {
                        return p;
                    }
                    retire(p);
                    continue;
                }
                if (all.size() + starting < settings.processes()) {
                    starting++;
                    number = ++started;
                    replaces = fates.pollFirst();
                    break;
                }
                returned.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        if (replaces != null) {
            LOG.info("Restarting a codec process: #{} replaces {}", number, replaces);
        }
        CodecProcess p = null;
        try {
            p = CodecProcess.start(number, settings, watchdog);
            return p;
        } finally {
            lock.lock();
            try {
                starting--;
                if (p != null) {
                    if (closed) {
                        p.close();
                    } else {
                        all.add(p);
                    }
                } else {
                    returned.signal(); // another waiter may try to start one
                }
            } finally {
                lock.unlock();
            }
            if (p != null && p.dead()) {
                throw new PixelDecodeException(Problem.CODEC_UNAVAILABLE, "the pixel decoder is closed");
            }
        }
    }

    private void giveBack(CodecProcess p) {
        lock.lock();
        try {
            if (p.dead() || closed) {
                retire(p);
            } else {
                idle.addFirst(p); // the most recently used process stays warm
            }
            returned.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a dead process, remembering why it ended for the replacement's log line. Lock held. */
    private void retire(CodecProcess p) {
        if (all.remove(p)) {
            p.kill("was retired");
            if (!closed) {
                fates.addLast("#" + p.number() + " (pid " + p.pid() + "), which " + p.fate());
                while (fates.size() > settings.processes()) {
                    fates.removeFirst();
                }
            }
        }
    }

    /** Process ids of the running codec processes (for tests that kill one). */
    List<Long> pids() {
        lock.lock();
        try {
            return all.stream().filter(p -> !p.dead()).map(CodecProcess::pid).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        List<CodecProcess> toClose;
        List<CodecProcess> busy;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(idle);
            busy = new ArrayList<>(all);
            busy.removeAll(idle);
            all.clear();
            idle.clear();
            returned.signalAll();
        } finally {
            lock.unlock();
        }
        for (CodecProcess p : busy) {
            p.kill("was killed: the decoder closed during a decode"); // that decode fails
        }
        for (CodecProcess p : toClose) {
            p.close();
        }
        watchdog.shutdownNow();
    }
}
