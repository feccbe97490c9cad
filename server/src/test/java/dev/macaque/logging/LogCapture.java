package dev.macaque.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what is logged (formatted messages and exception texts) while it is open, for assertions on log content. */
public final class LogCapture implements AutoCloseable {
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.start();
        root.addAppender(appender);
    }

    /** Every line logged so far: the formatted message, then the text of any exception chain. */
    public synchronized List<String> lines() {
        return List.copyOf(appender.list).stream().map(LogCapture::render).toList();
    }

    /** Everything logged so far as one text. */
    public String text() {
        return String.join("\n", lines());
    }

    private static String render(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage());
        for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            out.append("\n  ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
