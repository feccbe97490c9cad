package dev.macaque.notify.event;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a webhook is told about; {@link #wireName()} is the payload's {@code type} and the config's event name. */
public enum NotificationType {
    RUN_STARTED("run.started"),
    RUN_FINISHED("run.finished"),
    TERMINATION("termination"),
    NOT_RECOVERED("group.not-recovered"),
    KILL_SWITCH("killswitch"),
    /** The weekly report of the week just ended ({@code notifications.weeklyReport: true}). */
    WEEKLY_REPORT("report.weekly");

    public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(NotificationType::wireName).toList();

    private final String wireName;

    NotificationType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<NotificationType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
