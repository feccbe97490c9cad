package dev.macaque.testcloud;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Request rates as a loopback endpoint saw them: how many arrived within the busiest window of a given length. */
public final class RequestWindow {
    private RequestWindow() {
    }

    /**
     * The most of {@code arrivals} that fall within any one {@code window} (a window starting at each arrival, end
     * excluded: the busiest window always starts at an arrival).
     */
    public static int busiest(List<Instant> arrivals, Duration window) {
        List<Instant> sorted = new ArrayList<>(arrivals);
        sorted.sort(null);
        int most = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            Instant until = sorted.get(start).plus(window);
            while (end < sorted.size() && sorted.get(end).isBefore(until)) {
                end++;
            }
            most = Math.max(most, end - start);
        }
        return most;
    }
}
