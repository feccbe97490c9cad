package dev.macaque.config;

import com.fasterxml.jackson.databind.JsonMappingException;

/** How Jackson errors are named to people: the offending key as a path, and the message's first line. */
public final class JsonPaths {
    private JsonPaths() {
    }

    /** {@code server.port}, {@code targets.groups[1]}: where in the document the error is. */
    public static String of(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Jackson's messages go on with source details after the first line; people need only that line. */
    public static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
