/* Network addresses: parsing and formatting, Core's routability rules
 * and network groups, and the addrv2 form with its malformed and
 * skipped entries. */
#include <string.h>

#include "sato/netaddr.h"
#include "test.h"

static sato_netaddr_t addr(const char *text) {
    sato_netaddr_t a;
    memset(&a, 0, sizeof(a));
    CHECK(sato_netaddr_parse(&a, text, 8333));
    return a;
}

static void group_is(const char *text, const unsigned char *want, size_t n) {
    sato_netaddr_t a = addr(text);
    unsigned char g[17];
    size_t len = sato_netaddr_group(g, &a);
    test_case(len == n && memcmp(g, want, n) == 0, "group of %s (%zu bytes)", text, len);
}

int main(void) {
    static const char *const unroutable[] = {"10.1.2.3", "192.168.0.1", "172.16.5.4", "127.0.0.1",
                                             "169.254.1.1", "100.64.0.1", "198.18.0.1", "192.0.2.1",
                                             "198.51.100.7", "203.0.113.9", "0.1.2.3", "[::1]",
                                             "[fe80::1]", "[fc00::1]", "[2001:10::1]", "[2001:20::1]"};
    char s[SATO_NETADDR_STRLEN];
    sato_netaddr_t a, b;
    sato_buf_t buf;
    sato_reader_t r;
    size_t i;

    a = addr("1.2.3.4");
    sato_netaddr_format(s, &a);
    CHECK(strcmp(s, "1.2.3.4:8333") == 0);
    a = addr("[2001:db8::1]:18444");
    sato_netaddr_format(s, &a);
    CHECK(strcmp(s, "[2001:db8::1]:18444") == 0 && a.port == 18444);
    a = addr("[::ffff:8.8.8.8]:1");
    CHECK(a.net == SATO_NET_IPV4 && a.addr[0] == 8); /* mapped IPv4 is IPv4 */
    CHECK(!sato_netaddr_parse(&a, "1.2.3.4:0", 1) && !sato_netaddr_parse(&a, "host.example", 1) &&
          !sato_netaddr_parse(&a, "[::1", 1) && !sato_netaddr_parse(&a, "1.2.3.4:70000", 1));

    for (i = 0; i < sizeof(unroutable) / sizeof(unroutable[0]); i++) {
        a = addr(unroutable[i]);
        test_case(!sato_netaddr_is_routable(&a), "%s is not routable", unroutable[i]);
    }
    a = addr("8.8.8.8");
    CHECK(sato_netaddr_is_routable(&a));
    a = addr("[2a01:4f8::1]");
    CHECK(sato_netaddr_is_routable(&a));
    a = addr("[2001:db8::1]"); /* documentation: not even valid */
    CHECK(!sato_netaddr_is_valid(&a));

    {
        static const unsigned char v4[] = {1, 1, 2};
        static const unsigned char v6[] = {2, 0x2a, 0x01, 0x04, 0xf8};
        static const unsigned char he[] = {2, 0x20, 0x01, 0x04, 0x70, 0x1f};
        static const unsigned char sixto4[] = {1, 9, 9};  /* 2002:0909:... carries 9.9.x.x */
        static const unsigned char none[] = {0};
        group_is("1.2.3.4", v4, sizeof(v4));
        group_is("1.2.200.200", v4, sizeof(v4));
        group_is("[2a01:4f8:1::5]", v6, sizeof(v6));
        group_is("[2001:470:1234::1]", he, sizeof(he));
        group_is("[2002:909:101::1]", sixto4, sizeof(sixto4));
        group_is("10.0.0.1", none, sizeof(none));
        group_is("127.0.0.1", none, sizeof(none));
    }

    /* addrv2 round trip, and the entries Core drops or skips. */
    sato_buf_init(&buf);
    a = addr("[2a01:4f8::1]:8333");
    sato_netaddr_write_v2(&buf, &a);
    sato_reader_init(&r, buf.data, buf.len);
    CHECK(sato_netaddr_read_v2(&r, &b) == 1 && sato_netaddr_equal(&a, &b) && sato_reader_done(&r));
    {
        static const unsigned char wrong_size[] = {1, 5, 1, 2, 3, 4, 5, 0x20, 0x8d};
        static const unsigned char unknown[] = {9, 3, 1, 2, 3, 0x20, 0x8d};
        static const unsigned char mapped[] = {2, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4, 0, 1};
        unsigned char too_long[12] = {4, 0xfd, 0x01, 0x02};
        sato_reader_init(&r, wrong_size, sizeof(wrong_size));
        CHECK(sato_netaddr_read_v2(&r, &b) == 0);
        sato_reader_init(&r, unknown, sizeof(unknown));
        CHECK(sato_netaddr_read_v2(&r, &b) == -1 && sato_reader_done(&r));
        sato_reader_init(&r, mapped, sizeof(mapped));
        CHECK(sato_netaddr_read_v2(&r, &b) == -1);
        sato_reader_init(&r, too_long, sizeof(too_long)); /* 513 bytes claimed */
        CHECK(sato_netaddr_read_v2(&r, &b) == 0);
    }
    sato_buf_clear(&buf);
    return test_report("test_netaddr");
}
