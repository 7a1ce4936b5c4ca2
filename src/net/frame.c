/* Message framing: the 24-byte header and a stream decoder that takes
 * bytes split anywhere (see protocol.h). */
#include <string.h>

#include "sato/mem.h"
#include "sato/protocol.h"
#include "sato/sha256.h"

void sato_msg_frame(sato_buf_t *out, const unsigned char magic[4], const char *command,
                    const unsigned char *payload, size_t len) {
    unsigned char hdr[SATO_MSG_HEADER_SIZE], sum[32];
    size_t cl = strlen(command);
    memset(hdr, 0, sizeof(hdr));
    memcpy(hdr, magic, 4);
    memcpy(hdr + 4, command, cl > 12 ? 12 : cl);
    sato_put_le32(hdr + 16, (uint32_t)len);
    sato_sha256d(sum, payload, len);
    memcpy(hdr + 20, sum, 4);
    sato_buf_write(out, hdr, sizeof(hdr));
    sato_buf_write(out, payload, len);
}

void sato_msgreader_init(sato_msgreader_t *r, const unsigned char magic[4]) {
    memset(r, 0, sizeof(*r));
    memcpy(r->magic, magic, 4);
    sato_buf_init(&r->payload);
}

void sato_msgreader_clear(sato_msgreader_t *r) {
    sato_buf_clear(&r->payload);
    memset(r, 0, sizeof(*r));
}

/* Core's IsCommandValid: printable ASCII up to the first NUL, then NULs. */
static int command_valid(const unsigned char *c, char out[13]) {
    size_t i;
    int ended = 0;
    for (i = 0; i < 12; i++) {
        if (c[i] == 0) {
            ended = 1;
        } else if (ended || c[i] < 0x20 || c[i] > 0x7e) {
            return 0;
        }
    }
    memcpy(out, c, 12);
    out[12] = '\0';
    return 1;
}

sato_frame_result_t sato_msgreader_feed(sato_msgreader_t *r, const unsigned char *data, size_t len,
                                        size_t *used, const unsigned char **payload, size_t *plen) {
    size_t pos = 0;
    *used = 0;
    *payload = NULL;
    *plen = 0;
    if (r->dead) return SATO_FRAME_BAD_MAGIC;
    for (;;) {
        if (!r->in_payload) {
            size_t take = SATO_MSG_HEADER_SIZE - r->have_header;
            if (take > len - pos) take = len - pos;
            memcpy(r->header + r->have_header, data + pos, take);
            r->have_header += take;
            pos += take;
            if (r->have_header < SATO_MSG_HEADER_SIZE) break;
            if (memcmp(r->header, r->magic, 4) != 0) {
                r->dead = 1;
                *used = pos;
                return SATO_FRAME_BAD_MAGIC;
            }
            r->want = sato_le32(r->header + 16);
            if (r->want > SATO_MAX_PROTOCOL_MESSAGE_LENGTH) {
                r->dead = 1;
                *used = pos;
                return SATO_FRAME_OVERSIZED;
            }
            r->in_payload = 1;
            r->payload.len = 0;
        }
        {
            size_t take = r->want - r->payload.len;
            unsigned char sum[32];
            sato_frame_result_t res;
            if (take > len - pos) take = len - pos;
            sato_buf_write(&r->payload, data + pos, take);
            pos += take;
            if (r->payload.len < r->want) break;
            r->in_payload = 0;
            r->have_header = 0;
            *used = pos;
            sato_sha256d(sum, r->payload.data, r->payload.len);
            if (memcmp(sum, r->header + 20, 4) != 0) {
                res = SATO_FRAME_BAD_CHECKSUM;
            } else if (!command_valid(r->header + 4, r->command)) {
                res = SATO_FRAME_BAD_COMMAND;
            } else {
                *payload = r->payload.data ? r->payload.data : (const unsigned char *)"";
                *plen = r->payload.len;
                res = SATO_FRAME_MESSAGE;
            }
            return res;
        }
    }
    *used = pos;
    return SATO_FRAME_NEED_MORE;
}
