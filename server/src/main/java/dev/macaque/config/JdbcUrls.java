package dev.macaque.config;

import java.util.regex.Pattern;

/**
 * JDBC URLs as they may be logged: a password in the URL ({@code ?password=...}, {@code ;PASSWORD=...},
 * {@code //user:secret@host}) is replaced by {@code ****}.
 */
public final class JdbcUrls {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)((?:password|pwd|sslpassword)=)[^;&]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:;?]*:)[^/@]*@");

    private JdbcUrls() {
    }

    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String redacted = PASSWORD_PARAMETER.matcher(url).replaceAll("$1****");
        return USER_INFO.matcher(redacted).replaceAll("$1****@");
    }
}
