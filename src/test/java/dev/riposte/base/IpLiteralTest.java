package dev.riposte.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpLiteralTest {

    private static String refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(text))
                .getMessage();
    }

    @Test
    void literals_parse() {
        assertEquals("203.0.113.7", IpLiteral.parse("203.0.113.7").getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:7", IpLiteral.parse("2001:db8::7").getHostAddress());
        assertEquals("192.0.2.1", IpLiteral.parse("::ffff:192.0.2.1").getHostAddress());
    }

    @Test
    void namesAndInjection_neverReachAResolver() {
        assertEquals(
                "\"localhost\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                refusal("localhost"));
        assertEquals(
                "\"1.2.3.4; flush ruleset\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                refusal("1.2.3.4; flush ruleset"));
        assertEquals(
                "\"1.2.3.4 }\\x0a\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                refusal("1.2.3.4 }\n"));
        assertEquals("\"999.1.1.1\" is not an IPv4 address (999 > 255)", refusal("999.1.1.1"));
        assertTrue(refusal("127.1").contains("not a literal"), "short forms are refused");
        assertTrue(refusal("010.0.0.1").contains("not a literal"), "leading zeros (octal) are refused");
        assertEquals(
                "\"2001:db8::g\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                refusal("2001:db8::g"));
        assertEquals("\"1:2:3\" is not an IPv6 address", refusal("1:2:3"));
        assertEquals("an IP address is required, got an empty string", refusal(""));
    }

    @Test
    void cidr_containment() {
        Cidr loopback = Cidr.parse("127.0.0.0/8");
        assertTrue(loopback.contains(IpLiteral.parse("127.255.0.1")));
        assertFalse(loopback.contains(IpLiteral.parse("128.0.0.1")));
        assertFalse(loopback.contains(IpLiteral.parse("::1")));
        Cidr linkLocal6 = Cidr.parse("fe80::/10");
        assertTrue(linkLocal6.contains(IpLiteral.parse("febf::1")));
        assertFalse(linkLocal6.contains(IpLiteral.parse("fec0::1")));
        assertTrue(Cidr.parse("198.51.100.9").contains(IpLiteral.parse("198.51.100.9")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(IpLiteral.parse("8.8.8.8")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
    }

    @Test
    void format_writesRfc5952() {
        assertEquals("fd00:beef::2", IpLiteral.format(IpLiteral.parse("FD00:BEEF:0:0:0:0:0:2")));
        assertEquals("2001:db8::1:0:0:1", IpLiteral.format(IpLiteral.parse("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", IpLiteral.format(IpLiteral.parse("2001:db8:0:1:1:1:1:1")));
        assertEquals("::1", IpLiteral.format(IpLiteral.parse("::1")));
        assertEquals("::", IpLiteral.format(IpLiteral.parse("::")));
        assertEquals("fe80::", IpLiteral.format(IpLiteral.parse("fe80::")));
        assertEquals("198.51.100.7", IpLiteral.format(IpLiteral.parse("198.51.100.7")));
    }
}
