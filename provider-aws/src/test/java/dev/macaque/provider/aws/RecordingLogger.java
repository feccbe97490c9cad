package dev.macaque.provider.aws;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link System.Logger} that keeps every formatted message, so tests can check what a provider logs. */
final class RecordingLogger implements System.Logger {

    private final List<String> messages = new CopyOnWriteArrayList<>();

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        messages.add(msg + (thrown == null ? "" : " " + thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        messages.add(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }
}
