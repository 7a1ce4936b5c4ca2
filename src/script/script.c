/* Script parsing and static analysis: opcode iteration, push-only and
 * witness-program tests, sigop counting, FindAndDelete and the standard
 * output classifier (Core's Solver). */
#include <string.h>

#include "sato/script.h"

int sato_script_get_op(const unsigned char *script, size_t len, size_t *pos,
                       int *opcode, const unsigned char **data, size_t *data_len) {
    size_t p = *pos, size = 0;
    int op;
    *opcode = SATO_OP_INVALIDOPCODE;
    if (data) *data = NULL;
    if (data_len) *data_len = 0;
    if (p >= len) return 0;
    op = script[p++];
    *opcode = op;
    if (op <= SATO_OP_PUSHDATA4) {
        if (op < SATO_OP_PUSHDATA1) {
            size = (size_t)op;
        } else if (op == SATO_OP_PUSHDATA1) {
            if (len - p < 1) goto truncated;
            size = script[p];
            p += 1;
        } else if (op == SATO_OP_PUSHDATA2) {
            if (len - p < 2) goto truncated;
            size = (size_t)script[p] | (size_t)script[p + 1] << 8;
            p += 2;
        } else {
            if (len - p < 4) goto truncated;
            size = (size_t)sato_le32(script + p);
            p += 4;
        }
        if (len - p < size) goto truncated;
        if (data) *data = script + p;
        if (data_len) *data_len = size;
        p += size;
    }
    *pos = p;
    return 1;
truncated:
    *pos = len;
    return 0;
}

int sato_script_decode_op_n(int opcode) {
    if (opcode == SATO_OP_0) return 0;
    return opcode - (SATO_OP_1 - 1);
}

static int is_small_int_op(int opcode) {
    return opcode >= SATO_OP_1 && opcode <= SATO_OP_16;
}

int sato_script_check_minimal_push(const unsigned char *data, size_t len, int opcode) {
    if (len == 0) return opcode == SATO_OP_0;
    if (len == 1 && data[0] >= 1 && data[0] <= 16) return opcode == SATO_OP_1 + (data[0] - 1);
    if (len == 1 && data[0] == 0x81) return opcode == SATO_OP_1NEGATE;
    if (len <= 75) return opcode == (int)len;
    if (len <= 255) return opcode == SATO_OP_PUSHDATA1;
    if (len <= 65535) return opcode == SATO_OP_PUSHDATA2;
    return 1;
}

int sato_script_is_push_only(const unsigned char *script, size_t len) {
    size_t pos = 0;
    int op;
    while (pos < len) {
        if (!sato_script_get_op(script, len, &pos, &op, NULL, NULL)) return 0;
        /* OP_RESERVED counts as a push here, as in Core: it is <= OP_16. */
        if (op > SATO_OP_16) return 0;
    }
    return 1;
}

int sato_script_is_p2sh(const unsigned char *s, size_t len) {
    return len == 23 && s[0] == SATO_OP_HASH160 && s[1] == 0x14 && s[22] == SATO_OP_EQUAL;
}

int sato_script_is_p2wsh(const unsigned char *s, size_t len) {
    return len == 34 && s[0] == SATO_OP_0 && s[1] == 0x20;
}

int sato_script_is_witness_program(const unsigned char *s, size_t len, int *version,
                                   const unsigned char **program, size_t *program_len) {
    if (version) *version = 0;
    if (program) *program = NULL;
    if (program_len) *program_len = 0;
    if (len < 4 || len > 42) return 0;
    if (s[0] != SATO_OP_0 && !is_small_int_op(s[0])) return 0;
    if ((size_t)s[1] + 2 != len) return 0;
    if (version) *version = sato_script_decode_op_n(s[0]);
    if (program) *program = s + 2;
    if (program_len) *program_len = len - 2;
    return 1;
}

int sato_script_is_unspendable(const unsigned char *s, size_t len) {
    return (len > 0 && s[0] == SATO_OP_RETURN) || len > SATO_MAX_SCRIPT_SIZE;
}

int sato_script_is_pay_to_anchor(const unsigned char *s, size_t len) {
    return len == 4 && s[0] == SATO_OP_1 && s[1] == 0x02 && s[2] == 0x4e && s[3] == 0x73;
}

int sato_script_has_valid_ops(const unsigned char *script, size_t len) {
    size_t pos = 0, dlen;
    int op;
    const unsigned char *d;
    while (pos < len) {
        if (!sato_script_get_op(script, len, &pos, &op, &d, &dlen)) return 0;
        if (op > SATO_OP_CHECKSIGADD || dlen > SATO_MAX_SCRIPT_ELEMENT_SIZE) return 0;
    }
    return 1;
}

unsigned int sato_script_sigop_count(const unsigned char *script, size_t len, int accurate) {
    unsigned int n = 0;
    size_t pos = 0;
    int op, last = SATO_OP_INVALIDOPCODE;
    while (pos < len) {
        if (!sato_script_get_op(script, len, &pos, &op, NULL, NULL)) break;
        if (op == SATO_OP_CHECKSIG || op == SATO_OP_CHECKSIGVERIFY) {
            n++;
        } else if (op == SATO_OP_CHECKMULTISIG || op == SATO_OP_CHECKMULTISIGVERIFY) {
            if (accurate && is_small_int_op(last)) {
                n += (unsigned int)sato_script_decode_op_n(last);
            } else {
                n += SATO_MAX_PUBKEYS_PER_MULTISIG;
            }
        }
        last = op;
    }
    return n;
}

/* The data of the last push of a push-only script; 0 if it is not push-only. */
static int last_push(const unsigned char *script, size_t len, const unsigned char **data,
                     size_t *data_len) {
    size_t pos = 0;
    int op;
    *data = NULL;
    *data_len = 0;
    while (pos < len) {
        if (!sato_script_get_op(script, len, &pos, &op, data, data_len)) return 0;
        if (op > SATO_OP_16) return 0;
    }
    return 1;
}

unsigned int sato_script_p2sh_sigop_count(const unsigned char *spk, size_t spk_len,
                                          const unsigned char *script_sig, size_t sig_len) {
    const unsigned char *redeem;
    size_t redeem_len;
    if (!sato_script_is_p2sh(spk, spk_len)) return sato_script_sigop_count(spk, spk_len, 1);
    if (!last_push(script_sig, sig_len, &redeem, &redeem_len)) return 0;
    return sato_script_sigop_count(redeem, redeem_len, 1);
}

static size_t witness_program_sigops(int version, size_t program_len,
                                     const sato_bytes_t *witness, size_t witness_len) {
    if (version == 0) {
        if (program_len == SATO_WITNESS_V0_KEYHASH_SIZE) return 1;
        if (program_len == SATO_WITNESS_V0_SCRIPTHASH_SIZE && witness_len > 0) {
            const sato_bytes_t *ws = &witness[witness_len - 1];
            return sato_script_sigop_count(ws->data, ws->len, 1);
        }
    }
    /* Future versions (and taproot, budgeted by weight instead) count 0. */
    return 0;
}

size_t sato_script_witness_sigop_count(const unsigned char *script_sig, size_t sig_len,
                                       const unsigned char *spk, size_t spk_len,
                                       const sato_bytes_t *witness, size_t witness_len,
                                       unsigned int flags) {
    int version;
    const unsigned char *program, *redeem;
    size_t program_len, redeem_len;
    if (!(flags & SATO_SCRIPT_VERIFY_WITNESS)) return 0;
    if (sato_script_is_witness_program(spk, spk_len, &version, &program, &program_len)) {
        return witness_program_sigops(version, program_len, witness, witness_len);
    }
    if (sato_script_is_p2sh(spk, spk_len) && last_push(script_sig, sig_len, &redeem, &redeem_len) &&
        sato_script_is_witness_program(redeem, redeem_len, &version, &program, &program_len)) {
        return witness_program_sigops(version, program_len, witness, witness_len);
    }
    return 0;
}

size_t sato_script_find_and_delete(unsigned char *script, size_t *script_len,
                                   const unsigned char *pattern, size_t pattern_len) {
    size_t len = *script_len, pc = 0, kept_from = 0, w = 0, found = 0;
    int op;
    if (pattern_len == 0) return 0;
    /* Matches are only looked for at opcode boundaries, but a match may
     * span several opcodes; bytes are compacted in place (the write point
     * never passes the read point). */
    for (;;) {
        if (pc > kept_from) {
            memmove(script + w, script + kept_from, pc - kept_from);
            w += pc - kept_from;
        }
        while (len - pc >= pattern_len && memcmp(script + pc, pattern, pattern_len) == 0) {
            pc += pattern_len;
            found++;
        }
        kept_from = pc;
        if (!sato_script_get_op(script, len, &pc, &op, NULL, NULL)) break;
    }
    if (found > 0) {
        if (len > kept_from) memmove(script + w, script + kept_from, len - kept_from);
        w += len - kept_from;
        *script_len = w;
    }
    return found;
}

/* A serialized public key of plausible size for its header byte (Core's
 * CPubKey::ValidSize). */
static int pubkey_valid_size(const unsigned char *p, size_t len) {
    if (len == 0) return 0;
    if (p[0] == 2 || p[0] == 3) return len == 33;
    if (p[0] == 4 || p[0] == 6 || p[0] == 7) return len == 65;
    return 0;
}

static void add_solution(sato_script_solution_t *out, const unsigned char *p, size_t len) {
    if (out->nsolutions < SATO_MAX_PUBKEYS_PER_MULTISIG + 2) {
        out->sol[out->nsolutions] = p;
        out->sol_len[out->nsolutions] = len;
        out->nsolutions++;
    }
}

/* A count in [min, max] written as OP_1..OP_16 or as a minimal push of a
 * minimal number (so multisig can name 17 to 20 keys). */
static int script_number(int op, const unsigned char *d, size_t dlen, int min, int max, int *out) {
    int64_t v;
    if (is_small_int_op(op)) {
        v = sato_script_decode_op_n(op);
    } else if (op <= SATO_OP_PUSHDATA4) {
        if (!sato_script_check_minimal_push(d, dlen, op)) return 0;
        if (!sato_scriptnum_decode(&v, d, dlen, 1, 4)) return 0;
    } else {
        return 0;
    }
    if (v < min || v > max) return 0;
    *out = (int)v;
    return 1;
}

static int match_multisig(sato_script_solution_t *out, const unsigned char *s, size_t len) {
    size_t pos = 0, dlen, nkeys = 0;
    const unsigned char *d;
    int op, required, count;
    if (len < 1 || s[len - 1] != SATO_OP_CHECKMULTISIG) return 0;
    if (!sato_script_get_op(s, len, &pos, &op, &d, &dlen)) return 0;
    if (!script_number(op, d, dlen, 1, SATO_MAX_PUBKEYS_PER_MULTISIG, &required)) return 0;
    while (sato_script_get_op(s, len, &pos, &op, &d, &dlen) && pubkey_valid_size(d, dlen)) {
        if (nkeys >= SATO_MAX_PUBKEYS_PER_MULTISIG) return 0;
        add_solution(out, d, dlen);
        nkeys++;
    }
    if (!script_number(op, d, dlen, required, SATO_MAX_PUBKEYS_PER_MULTISIG, &count)) return 0;
    if ((size_t)count != nkeys) return 0;
    if (pos + 1 != len) return 0;
    out->required = required;
    return 1;
}

sato_txout_type_t sato_script_solve(sato_script_solution_t *out, const unsigned char *s,
                                    size_t len) {
    int version;
    const unsigned char *program;
    size_t program_len;
    memset(out, 0, sizeof(*out));
    out->type = SATO_TXOUT_NONSTANDARD;
    if (sato_script_is_p2sh(s, len)) {
        add_solution(out, s + 2, 20);
        return out->type = SATO_TXOUT_SCRIPTHASH;
    }
    if (sato_script_is_witness_program(s, len, &version, &program, &program_len)) {
        out->witness_version = version;
        if (version == 0 && program_len == SATO_WITNESS_V0_KEYHASH_SIZE) {
            add_solution(out, program, program_len);
            return out->type = SATO_TXOUT_WITNESS_V0_KEYHASH;
        }
        if (version == 0 && program_len == SATO_WITNESS_V0_SCRIPTHASH_SIZE) {
            add_solution(out, program, program_len);
            return out->type = SATO_TXOUT_WITNESS_V0_SCRIPTHASH;
        }
        if (version == 1 && program_len == SATO_WITNESS_V1_TAPROOT_SIZE) {
            add_solution(out, program, program_len);
            return out->type = SATO_TXOUT_WITNESS_V1_TAPROOT;
        }
        if (sato_script_is_pay_to_anchor(s, len)) return out->type = SATO_TXOUT_ANCHOR;
        if (version != 0) {
            add_solution(out, program, program_len);
            return out->type = SATO_TXOUT_WITNESS_UNKNOWN;
        }
        return SATO_TXOUT_NONSTANDARD;
    }
    /* Provably unspendable data carrier: OP_RETURN then only pushes. */
    if (len >= 1 && s[0] == SATO_OP_RETURN && sato_script_is_push_only(s + 1, len - 1)) {
        return out->type = SATO_TXOUT_NULL_DATA;
    }
    if ((len == 35 && s[0] == 33) || (len == 67 && s[0] == 65)) {
        if (s[len - 1] == SATO_OP_CHECKSIG && pubkey_valid_size(s + 1, len - 2)) {
            add_solution(out, s + 1, len - 2);
            return out->type = SATO_TXOUT_PUBKEY;
        }
    }
    if (len == 25 && s[0] == SATO_OP_DUP && s[1] == SATO_OP_HASH160 && s[2] == 20 &&
        s[23] == SATO_OP_EQUALVERIFY && s[24] == SATO_OP_CHECKSIG) {
        add_solution(out, s + 3, 20);
        return out->type = SATO_TXOUT_PUBKEYHASH;
    }
    if (match_multisig(out, s, len)) return out->type = SATO_TXOUT_MULTISIG;
    memset(out, 0, sizeof(*out));
    return out->type = SATO_TXOUT_NONSTANDARD;
}

const char *sato_txout_type_name(sato_txout_type_t type) {
    switch (type) {
    case SATO_TXOUT_NONSTANDARD: return "nonstandard";
    case SATO_TXOUT_ANCHOR: return "anchor";
    case SATO_TXOUT_PUBKEY: return "pubkey";
    case SATO_TXOUT_PUBKEYHASH: return "pubkeyhash";
    case SATO_TXOUT_SCRIPTHASH: return "scripthash";
    case SATO_TXOUT_MULTISIG: return "multisig";
    case SATO_TXOUT_NULL_DATA: return "nulldata";
    case SATO_TXOUT_WITNESS_V0_SCRIPTHASH: return "witness_v0_scripthash";
    case SATO_TXOUT_WITNESS_V0_KEYHASH: return "witness_v0_keyhash";
    case SATO_TXOUT_WITNESS_V1_TAPROOT: return "witness_v1_taproot";
    case SATO_TXOUT_WITNESS_UNKNOWN: return "witness_unknown";
    }
    return "nonstandard";
}
