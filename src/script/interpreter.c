/* The script interpreter: EvalScript and VerifyScript with P2SH, segwit
 * v0 and taproot/tapscript, following Bitcoin Core rule for rule. It holds
 * no state outside its arguments, so any number of threads may run it. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include "sha1.h"
#include "sato/hash.h"
#include "sato/mem.h"
#include "sato/ripemd160.h"
#include "sato/script.h"
#include "sato/sha256.h"
#include "sato/sigcheck.h"

/* Bit 31 of a CSV argument: the relative lock is disabled (BIP112). */
#define SEQUENCE_LOCKTIME_DISABLE_FLAG (INT64_C(1) << 31)

/* ---- stack helpers (indices from the top: -1 is the top) ---- */

static sato_bytes_t *top(sato_stack_t *s, int i) {
    return &s->items[(size_t)((int64_t)s->len + i)];
}

static void pop(sato_stack_t *s) {
    s->len--;
    free(s->items[s->len].data);
    s->items[s->len].data = NULL;
}

/* Removes the element at depth i (negative) keeping the order of the rest. */
static void erase_at(sato_stack_t *s, int i) {
    size_t idx = (size_t)((int64_t)s->len + i);
    free(s->items[idx].data);
    memmove(&s->items[idx], &s->items[idx + 1], (s->len - idx - 1) * sizeof(s->items[0]));
    s->len--;
}

static void swap_at(sato_stack_t *s, int i, int j) {
    sato_bytes_t t = *top(s, i);
    *top(s, i) = *top(s, j);
    *top(s, j) = t;
}

/* Pushes a copy of the element at depth i. The descriptor is read before
 * the push because the item array may move; the bytes it points to stay. */
static void push_copy(sato_stack_t *s, int i) {
    sato_bytes_t src = *top(s, i);
    sato_stack_push(s, src.data, src.len);
}

/* Moves the top element of `from` onto `to` without copying its bytes. */
static void move_top(sato_stack_t *to, sato_stack_t *from) {
    sato_bytes_t b = from->items[from->len - 1];
    from->len--;
    sato_stack_push(to, NULL, 0);
    to->items[to->len - 1] = b;
}

static void copy_stack(sato_stack_t *dst, const sato_stack_t *src) {
    size_t i;
    for (i = 0; i < src->len; i++) sato_stack_push(dst, src->items[i].data, src->items[i].len);
}

static void push_num(sato_stack_t *s, int64_t v) {
    unsigned char buf[9];
    size_t n = sato_scriptnum_encode(buf, v);
    sato_stack_push(s, buf, n);
}

static void push_bool(sato_stack_t *s, int v) {
    static const unsigned char one = 1;
    sato_stack_push(s, &one, v ? 1 : 0);
}

static int cast_to_bool(const sato_bytes_t *b) {
    size_t i;
    for (i = 0; i < b->len; i++) {
        if (b->data[i] != 0) {
            /* Negative zero (0x80 in the last byte) is false. */
            return !(i == b->len - 1 && b->data[i] == 0x80);
        }
    }
    return 0;
}

/* ---- encoding checks ---- */

int sato_script_is_valid_signature_encoding(const unsigned char *sig, size_t len) {
    /* 0x30 len 0x02 rlen R 0x02 slen S hashtype, strict DER (BIP66). */
    size_t rlen, slen;
    if (len < 9 || len > 73) return 0;
    if (sig[0] != 0x30) return 0;
    if (sig[1] != len - 3) return 0;
    rlen = sig[3];
    if (5 + rlen >= len) return 0;
    slen = sig[5 + rlen];
    if (rlen + slen + 7 != len) return 0;
    if (sig[2] != 0x02) return 0;
    if (rlen == 0) return 0;
    if (sig[4] & 0x80) return 0;
    if (rlen > 1 && sig[4] == 0x00 && !(sig[5] & 0x80)) return 0;
    if (sig[rlen + 4] != 0x02) return 0;
    if (slen == 0) return 0;
    if (sig[rlen + 6] & 0x80) return 0;
    if (slen > 1 && sig[rlen + 6] == 0x00 && !(sig[rlen + 7] & 0x80)) return 0;
    return 1;
}

/* Strict DER and S <= n/2 as Core's CPubKey::CheckLowS sees it: an R or S
 * out of range parses as the all-zero signature, which counts as low. */
int sato_script_is_low_der_signature(const unsigned char *sig, size_t len) {
    if (!sato_script_is_valid_signature_encoding(sig, len)) return 0;
    return sato_ecdsa_sig_has_low_s(sig, len - 1);
}

static int is_defined_hashtype(const unsigned char *sig, size_t len) {
    unsigned char t;
    if (len == 0) return 0;
    t = sig[len - 1] & (unsigned char)~SATO_SIGHASH_ANYONECANPAY;
    return t >= SATO_SIGHASH_ALL && t <= SATO_SIGHASH_SINGLE;
}

int sato_script_check_signature_encoding(const unsigned char *sig, size_t len,
                                         unsigned int flags, sato_script_error_t *err) {
    /* The empty signature is a compact way to fail a check on purpose. */
    if (len == 0) return 1;
    if ((flags & (SATO_SCRIPT_VERIFY_DERSIG | SATO_SCRIPT_VERIFY_LOW_S |
                  SATO_SCRIPT_VERIFY_STRICTENC)) &&
        !sato_script_is_valid_signature_encoding(sig, len)) {
        *err = SATO_SCRIPT_ERR_SIG_DER;
        return 0;
    }
    if ((flags & SATO_SCRIPT_VERIFY_LOW_S) && !sato_script_is_low_der_signature(sig, len)) {
        *err = SATO_SCRIPT_ERR_SIG_HIGH_S;
        return 0;
    }
    if ((flags & SATO_SCRIPT_VERIFY_STRICTENC) && !is_defined_hashtype(sig, len)) {
        *err = SATO_SCRIPT_ERR_SIG_HASHTYPE;
        return 0;
    }
    return 1;
}

static int check_pubkey_encoding(const sato_bytes_t *pk, unsigned int flags,
                                 sato_sigversion_t sigversion, sato_script_error_t *err) {
    if (flags & SATO_SCRIPT_VERIFY_STRICTENC) {
        int ok = pk->len >= 33 &&
                 ((pk->data[0] == 0x04 && pk->len == 65) ||
                  ((pk->data[0] == 0x02 || pk->data[0] == 0x03) && pk->len == 33));
        if (!ok) {
            *err = SATO_SCRIPT_ERR_PUBKEYTYPE;
            return 0;
        }
    }
    if ((flags & SATO_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE) && sigversion == SATO_SIGVERSION_WITNESS_V0 &&
        !(pk->len == 33 && (pk->data[0] == 0x02 || pk->data[0] == 0x03))) {
        *err = SATO_SCRIPT_ERR_WITNESS_PUBKEYTYPE;
        return 0;
    }
    return 1;
}

/* The bytes `CScript() << data` produces: data with its push prefix. */
static size_t serialize_push(unsigned char *out, const unsigned char *data, size_t len) {
    size_t n = 0;
    if (len < SATO_OP_PUSHDATA1) {
        out[n++] = (unsigned char)len;
    } else if (len <= 0xff) {
        out[n++] = SATO_OP_PUSHDATA1;
        out[n++] = (unsigned char)len;
    } else if (len <= 0xffff) {
        out[n++] = SATO_OP_PUSHDATA2;
        out[n++] = (unsigned char)len;
        out[n++] = (unsigned char)(len >> 8);
    } else {
        out[n++] = SATO_OP_PUSHDATA4;
        sato_put_le32(out + n, (uint32_t)len);
        n += 4;
    }
    if (len) memcpy(out + n, data, len);
    return n + len;
}

/* Deletes every push of sig from a scriptCode copy; returns the count. */
static size_t delete_sig(unsigned char *code, size_t *code_len, const sato_bytes_t *sig) {
    unsigned char *pat = sato_malloc(sig->len + 5);
    size_t plen = serialize_push(pat, sig->data, sig->len), found;
    found = sato_script_find_and_delete(code, code_len, pat, plen);
    free(pat);
    return found;
}

/* ---- hashing helpers ---- */

static size_t compact_size(unsigned char out[9], uint64_t v) {
    if (v < 0xfd) {
        out[0] = (unsigned char)v;
        return 1;
    }
    if (v <= 0xffff) {
        out[0] = 0xfd;
        out[1] = (unsigned char)v;
        out[2] = (unsigned char)(v >> 8);
        return 3;
    }
    if (v <= 0xffffffffu) {
        out[0] = 0xfe;
        sato_put_le32(out + 1, (uint32_t)v);
        return 5;
    }
    out[0] = 0xff;
    sato_put_le64(out + 1, v);
    return 9;
}

void sato_taproot_leaf_hash(unsigned char out32[32], unsigned char leaf_version,
                            const unsigned char *script, size_t script_len) {
    sato_sha256_t h;
    unsigned char cs[9];
    size_t n = compact_size(cs, script_len);
    sato_tagged_hash_init(&h, "TapLeaf");
    sato_sha256_write(&h, &leaf_version, 1);
    sato_sha256_write(&h, cs, n);
    sato_sha256_write(&h, script, script_len);
    sato_sha256_finalize(&h, out32);
}

void sato_taproot_branch_hash(unsigned char out32[32], const unsigned char a32[32],
                              const unsigned char b32[32]) {
    sato_sha256_t h;
    sato_tagged_hash_init(&h, "TapBranch");
    /* Children are hashed in lexicographic order. */
    if (memcmp(a32, b32, 32) < 0) {
        sato_sha256_write(&h, a32, 32);
        sato_sha256_write(&h, b32, 32);
    } else {
        sato_sha256_write(&h, b32, 32);
        sato_sha256_write(&h, a32, 32);
    }
    sato_sha256_finalize(&h, out32);
}

void sato_taproot_merkle_root(unsigned char out32[32], const unsigned char *control,
                              size_t control_len, const unsigned char leaf32[32]) {
    size_t i, nodes = (control_len - SATO_TAPROOT_CONTROL_BASE_SIZE) / SATO_TAPROOT_CONTROL_NODE_SIZE;
    unsigned char k[32];
    memcpy(k, leaf32, 32);
    for (i = 0; i < nodes; i++) {
        sato_taproot_branch_hash(k, k, control + SATO_TAPROOT_CONTROL_BASE_SIZE +
                                              SATO_TAPROOT_CONTROL_NODE_SIZE * i);
    }
    memcpy(out32, k, 32);
}

/* Q == P + t*G with t = TapTweak(P || root), and Q's parity as given. */
static int verify_taproot_commitment(const unsigned char *control, size_t control_len,
                                     const unsigned char program[32], const unsigned char leaf[32]) {
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_xonly_pubkey internal;
    unsigned char root[32], tweak[32];
    sato_sha256_t h;
    sato_taproot_merkle_root(root, control, control_len, leaf);
    if (!secp256k1_xonly_pubkey_parse(ctx, &internal, control + 1)) return 0;
    sato_tagged_hash_init(&h, "TapTweak");
    sato_sha256_write(&h, control + 1, 32);
    sato_sha256_write(&h, root, 32);
    sato_sha256_finalize(&h, tweak);
    return secp256k1_xonly_pubkey_tweak_add_check(ctx, program, control[0] & 1, &internal, tweak);
}

/* ---- signature opcodes ---- */

static int call_ecdsa(const sato_sigchecker_t *c, const sato_bytes_t *sig, const sato_bytes_t *pk,
                      const unsigned char *code, size_t code_len, sato_sigversion_t sv) {
    if (c == NULL || c->check_ecdsa == NULL) return 0;
    return c->check_ecdsa(c->ctx, sig->data, sig->len, pk->data, pk->len, code, code_len, sv) == 1;
}

/* OP_CHECKSIG before tapscript. Returns 0 when the script fails; else
 * *success says whether the signature matched. */
static int checksig_pre_tapscript(const sato_bytes_t *sig, const sato_bytes_t *pk,
                                  const unsigned char *code, size_t code_len, unsigned int flags,
                                  const sato_sigchecker_t *checker, sato_sigversion_t sv,
                                  sato_script_error_t *err, int *success) {
    unsigned char *copy = NULL;
    int ret = 0;
    if (sv == SATO_SIGVERSION_BASE) {
        /* Legacy scripts sign a scriptCode with the signature removed. */
        copy = sato_malloc(code_len + 1);
        if (code_len) memcpy(copy, code, code_len);
        if (delete_sig(copy, &code_len, sig) > 0 && (flags & SATO_SCRIPT_VERIFY_CONST_SCRIPTCODE)) {
            *err = SATO_SCRIPT_ERR_SIG_FINDANDDELETE;
            goto out;
        }
        code = copy;
    }
    if (!sato_script_check_signature_encoding(sig->data, sig->len, flags, err) ||
        !check_pubkey_encoding(pk, flags, sv, err)) {
        goto out;
    }
    *success = call_ecdsa(checker, sig, pk, code, code_len, sv);
    if (!*success && (flags & SATO_SCRIPT_VERIFY_NULLFAIL) && sig->len) {
        *err = SATO_SCRIPT_ERR_SIG_NULLFAIL;
        goto out;
    }
    ret = 1;
out:
    free(copy);
    return ret;
}

/* OP_CHECKSIG / CHECKSIGADD in tapscript (BIP342). The order of these
 * rules is consensus: upgradable key types come after the weight charge,
 * an empty key fails even with an empty signature. */
static int checksig_tapscript(const sato_bytes_t *sig, const sato_bytes_t *pk,
                              sato_execdata_t *execdata, unsigned int flags,
                              const sato_sigchecker_t *checker, sato_sigversion_t sv,
                              sato_script_error_t *err, int *success) {
    *success = sig->len != 0;
    if (*success) {
        execdata->weight_left -= SATO_VALIDATION_WEIGHT_PER_SIGOP_PASSED;
        if (execdata->weight_left < 0) {
            *err = SATO_SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT;
            return 0;
        }
    }
    if (pk->len == 0) {
        *err = SATO_SCRIPT_ERR_TAPSCRIPT_EMPTY_PUBKEY;
        return 0;
    }
    if (pk->len == 32) {
        if (*success) {
            sato_script_error_t e = SATO_SCRIPT_ERR_SCHNORR_SIG;
            if (checker == NULL || checker->check_schnorr == NULL ||
                checker->check_schnorr(checker->ctx, sig->data, sig->len, pk->data, sv, execdata,
                                       &e) != 1) {
                *err = e == SATO_SCRIPT_ERR_OK ? SATO_SCRIPT_ERR_SCHNORR_SIG : e;
                return 0;
            }
        }
    } else if (flags & SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE) {
        *err = SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE;
        return 0;
    }
    return 1;
}

static int is_disabled_opcode(int op) {
    switch (op) {
    case SATO_OP_CAT:
    case SATO_OP_SUBSTR:
    case SATO_OP_LEFT:
    case SATO_OP_RIGHT:
    case SATO_OP_INVERT:
    case SATO_OP_AND:
    case SATO_OP_OR:
    case SATO_OP_XOR:
    case SATO_OP_2MUL:
    case SATO_OP_2DIV:
    case SATO_OP_MUL:
    case SATO_OP_DIV:
    case SATO_OP_MOD:
    case SATO_OP_LSHIFT:
    case SATO_OP_RSHIFT:
        return 1;
    default:
        return 0;
    }
}

/* OP_SUCCESSx of BIP342: bytes that make a tapscript succeed outright. */
static int is_op_success(int op) {
    return op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134) ||
           (op >= 137 && op <= 138) || (op >= 141 && op <= 142) || (op >= 149 && op <= 153) ||
           (op >= 187 && op <= 254);
}

/* The IF/ELSE nesting, kept as its depth and the depth of the first
 * false branch: enough to know whether the current op executes. */
typedef struct {
    uint32_t size;
    uint32_t first_false;
} cond_stack_t;

#define COND_NO_FALSE UINT32_MAX

/* Reads the stack element at depth i as a script number. */
#define READ_NUM(var, i, maxlen)                                                           \
    do {                                                                                   \
        const sato_bytes_t *b_ = top(stack, (i));                                          \
        if (!sato_scriptnum_decode(&(var), b_->data, b_->len, require_minimal, (maxlen))) { \
            FAIL(SATO_SCRIPT_ERR_SCRIPTNUM);                                               \
        }                                                                                  \
    } while (0)

#define FAIL(e)     \
    do {            \
        error = (e); \
        goto out;   \
    } while (0)

#define NEED(n)                                                      \
    do {                                                             \
        if (stack->len < (size_t)(n)) FAIL(SATO_SCRIPT_ERR_INVALID_STACK_OPERATION); \
    } while (0)

int sato_script_eval(sato_stack_t *stack, const unsigned char *script, size_t script_len,
                     unsigned int flags, const sato_sigchecker_t *checker,
                     sato_sigversion_t sigversion, sato_execdata_t *execdata,
                     sato_script_error_t *err) {
    sato_stack_t alt;
    sato_execdata_t local_exec;
    cond_stack_t cond = {0, COND_NO_FALSE};
    sato_script_error_t error = SATO_SCRIPT_ERR_UNKNOWN_ERROR;
    size_t pc = 0, codehash_begin = 0;
    uint32_t opcode_pos = 0;
    int op_count = 0, ret = 0;
    int require_minimal = (flags & SATO_SCRIPT_VERIFY_MINIMALDATA) != 0;
    int legacy = sigversion == SATO_SIGVERSION_BASE || sigversion == SATO_SIGVERSION_WITNESS_V0;

    sato_stack_init(&alt);
    if (execdata == NULL) {
        memset(&local_exec, 0, sizeof(local_exec));
        execdata = &local_exec;
    }
    if (legacy && script_len > SATO_MAX_SCRIPT_SIZE) FAIL(SATO_SCRIPT_ERR_SCRIPT_SIZE);
    execdata->codesep_pos = 0xffffffffu;
    execdata->codesep_pos_init = 1;

    for (; pc < script_len; opcode_pos++) {
        int exec = cond.first_false == COND_NO_FALSE;
        int opcode;
        const unsigned char *data;
        size_t data_len;

        if (!sato_script_get_op(script, script_len, &pc, &opcode, &data, &data_len)) {
            FAIL(SATO_SCRIPT_ERR_BAD_OPCODE);
        }
        if (data_len > SATO_MAX_SCRIPT_ELEMENT_SIZE) FAIL(SATO_SCRIPT_ERR_PUSH_SIZE);
        if (legacy && opcode > SATO_OP_16 && ++op_count > SATO_MAX_OPS_PER_SCRIPT) {
            FAIL(SATO_SCRIPT_ERR_OP_COUNT);
        }
        /* Disabled opcodes fail even in an unexecuted branch. */
        if (is_disabled_opcode(opcode)) FAIL(SATO_SCRIPT_ERR_DISABLED_OPCODE);
        if (opcode == SATO_OP_CODESEPARATOR && sigversion == SATO_SIGVERSION_BASE &&
            (flags & SATO_SCRIPT_VERIFY_CONST_SCRIPTCODE)) {
            FAIL(SATO_SCRIPT_ERR_OP_CODESEPARATOR);
        }

        if (exec && opcode <= SATO_OP_PUSHDATA4) {
            if (require_minimal && !sato_script_check_minimal_push(data, data_len, opcode)) {
                FAIL(SATO_SCRIPT_ERR_MINIMALDATA);
            }
            sato_stack_push(stack, data, data_len);
        } else if (exec || (opcode >= SATO_OP_IF && opcode <= SATO_OP_ENDIF)) {
            switch (opcode) {
            case SATO_OP_1NEGATE:
            case SATO_OP_1: case SATO_OP_2: case SATO_OP_3: case SATO_OP_4:
            case SATO_OP_5: case SATO_OP_6: case SATO_OP_7: case SATO_OP_8:
            case SATO_OP_9: case SATO_OP_10: case SATO_OP_11: case SATO_OP_12:
            case SATO_OP_13: case SATO_OP_14: case SATO_OP_15: case SATO_OP_16:
                push_num(stack, (int64_t)opcode - (SATO_OP_1 - 1));
                break;

            case SATO_OP_NOP:
                break;

            case SATO_OP_CHECKLOCKTIMEVERIFY: {
                int64_t locktime;
                /* Without its flag it is NOP2, and (as in Core) not a
                 * discouraged one. */
                if (!(flags & SATO_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY)) break;
                NEED(1);
                /* 5 bytes: times up to 2^39 fit beyond the 2038 limit of 4. */
                READ_NUM(locktime, -1, 5);
                if (locktime < 0) FAIL(SATO_SCRIPT_ERR_NEGATIVE_LOCKTIME);
                if (checker == NULL || checker->check_locktime == NULL ||
                    checker->check_locktime(checker->ctx, locktime) != 1) {
                    FAIL(SATO_SCRIPT_ERR_UNSATISFIED_LOCKTIME);
                }
                break;
            }

            case SATO_OP_CHECKSEQUENCEVERIFY: {
                int64_t sequence;
                if (!(flags & SATO_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY)) break;
                NEED(1);
                READ_NUM(sequence, -1, 5);
                if (sequence < 0) FAIL(SATO_SCRIPT_ERR_NEGATIVE_LOCKTIME);
                /* With the disable bit set the opcode stays a NOP, for
                 * future soft forks. */
                if (sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) break;
                if (checker == NULL || checker->check_sequence == NULL ||
                    checker->check_sequence(checker->ctx, sequence) != 1) {
                    FAIL(SATO_SCRIPT_ERR_UNSATISFIED_LOCKTIME);
                }
                break;
            }

            case SATO_OP_NOP1: case SATO_OP_NOP4: case SATO_OP_NOP5: case SATO_OP_NOP6:
            case SATO_OP_NOP7: case SATO_OP_NOP8: case SATO_OP_NOP9: case SATO_OP_NOP10:
                if (flags & SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS) {
                    FAIL(SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_NOPS);
                }
                break;

            case SATO_OP_IF:
            case SATO_OP_NOTIF: {
                int value = 0;
                if (exec) {
                    const sato_bytes_t *v;
                    int minimal;
                    NEED(1);
                    v = top(stack, -1);
                    minimal = v->len == 0 || (v->len == 1 && v->data[0] == 1);
                    if (sigversion == SATO_SIGVERSION_TAPSCRIPT && !minimal) {
                        FAIL(SATO_SCRIPT_ERR_TAPSCRIPT_MINIMALIF);
                    }
                    if (sigversion == SATO_SIGVERSION_WITNESS_V0 &&
                        (flags & SATO_SCRIPT_VERIFY_MINIMALIF) && !minimal) {
                        FAIL(SATO_SCRIPT_ERR_MINIMALIF);
                    }
                    value = cast_to_bool(v);
                    if (opcode == SATO_OP_NOTIF) value = !value;
                    pop(stack);
                }
                if (cond.first_false == COND_NO_FALSE && !value) cond.first_false = cond.size;
                cond.size++;
                break;
            }

            case SATO_OP_ELSE:
                if (cond.size == 0) FAIL(SATO_SCRIPT_ERR_UNBALANCED_CONDITIONAL);
                if (cond.first_false == COND_NO_FALSE) {
                    cond.first_false = cond.size - 1;
                } else if (cond.first_false == cond.size - 1) {
                    cond.first_false = COND_NO_FALSE;
                }
                break;

            case SATO_OP_ENDIF:
                if (cond.size == 0) FAIL(SATO_SCRIPT_ERR_UNBALANCED_CONDITIONAL);
                cond.size--;
                if (cond.first_false == cond.size) cond.first_false = COND_NO_FALSE;
                break;

            case SATO_OP_VERIFY:
                NEED(1);
                if (!cast_to_bool(top(stack, -1))) FAIL(SATO_SCRIPT_ERR_VERIFY);
                pop(stack);
                break;

            case SATO_OP_RETURN:
                FAIL(SATO_SCRIPT_ERR_OP_RETURN);

            case SATO_OP_TOALTSTACK:
                NEED(1);
                move_top(&alt, stack);
                break;

            case SATO_OP_FROMALTSTACK:
                if (alt.len < 1) FAIL(SATO_SCRIPT_ERR_INVALID_ALTSTACK_OPERATION);
                move_top(stack, &alt);
                break;

            case SATO_OP_2DROP:
                NEED(2);
                pop(stack);
                pop(stack);
                break;

            case SATO_OP_2DUP:
                NEED(2);
                push_copy(stack, -2);
                push_copy(stack, -2);
                break;

            case SATO_OP_3DUP:
                NEED(3);
                push_copy(stack, -3);
                push_copy(stack, -3);
                push_copy(stack, -3);
                break;

            case SATO_OP_2OVER:
                NEED(4);
                push_copy(stack, -4);
                push_copy(stack, -4);
                break;

            case SATO_OP_2ROT: {
                /* x1 x2 x3 x4 x5 x6 -> x3 x4 x5 x6 x1 x2 */
                sato_bytes_t a, b;
                NEED(6);
                a = *top(stack, -6);
                b = *top(stack, -5);
                memmove(top(stack, -6), top(stack, -4), 4 * sizeof(sato_bytes_t));
                *top(stack, -2) = a;
                *top(stack, -1) = b;
                break;
            }

            case SATO_OP_2SWAP:
                NEED(4);
                swap_at(stack, -4, -2);
                swap_at(stack, -3, -1);
                break;

            case SATO_OP_IFDUP:
                NEED(1);
                if (cast_to_bool(top(stack, -1))) push_copy(stack, -1);
                break;

            case SATO_OP_DEPTH:
                push_num(stack, (int64_t)stack->len);
                break;

            case SATO_OP_DROP:
                NEED(1);
                pop(stack);
                break;

            case SATO_OP_DUP:
                NEED(1);
                push_copy(stack, -1);
                break;

            case SATO_OP_NIP:
                NEED(2);
                erase_at(stack, -2);
                break;

            case SATO_OP_OVER:
                NEED(2);
                push_copy(stack, -2);
                break;

            case SATO_OP_PICK:
            case SATO_OP_ROLL: {
                int64_t n;
                NEED(2);
                READ_NUM(n, -1, 4);
                pop(stack);
                if (n < 0 || (uint64_t)n >= stack->len) FAIL(SATO_SCRIPT_ERR_INVALID_STACK_OPERATION);
                if (opcode == SATO_OP_ROLL) {
                    /* Rotate the chosen element to the top. */
                    size_t idx = stack->len - 1 - (size_t)n;
                    sato_bytes_t t = stack->items[idx];
                    memmove(&stack->items[idx], &stack->items[idx + 1],
                            (stack->len - idx - 1) * sizeof(sato_bytes_t));
                    stack->items[stack->len - 1] = t;
                } else {
                    push_copy(stack, (int)(-n - 1));
                }
                break;
            }

            case SATO_OP_ROT:
                NEED(3);
                swap_at(stack, -3, -2);
                swap_at(stack, -2, -1);
                break;

            case SATO_OP_SWAP:
                NEED(2);
                swap_at(stack, -2, -1);
                break;

            case SATO_OP_TUCK:
                /* x1 x2 -> x2 x1 x2 */
                NEED(2);
                push_copy(stack, -1);
                swap_at(stack, -3, -2);
                break;

            case SATO_OP_SIZE:
                NEED(1);
                push_num(stack, (int64_t)top(stack, -1)->len);
                break;

            case SATO_OP_EQUAL:
            case SATO_OP_EQUALVERIFY: {
                const sato_bytes_t *a, *b;
                int equal;
                NEED(2);
                a = top(stack, -2);
                b = top(stack, -1);
                equal = a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
                pop(stack);
                pop(stack);
                push_bool(stack, equal);
                if (opcode == SATO_OP_EQUALVERIFY) {
                    if (!equal) FAIL(SATO_SCRIPT_ERR_EQUALVERIFY);
                    pop(stack);
                }
                break;
            }

            case SATO_OP_1ADD: case SATO_OP_1SUB: case SATO_OP_NEGATE:
            case SATO_OP_ABS: case SATO_OP_NOT: case SATO_OP_0NOTEQUAL: {
                int64_t n;
                NEED(1);
                READ_NUM(n, -1, 4);
                switch (opcode) {
                case SATO_OP_1ADD: n += 1; break;
                case SATO_OP_1SUB: n -= 1; break;
                case SATO_OP_NEGATE: n = -n; break;
                case SATO_OP_ABS: if (n < 0) n = -n; break;
                case SATO_OP_NOT: n = n == 0; break;
                default: n = n != 0; break;
                }
                pop(stack);
                push_num(stack, n);
                break;
            }

            case SATO_OP_ADD: case SATO_OP_SUB: case SATO_OP_BOOLAND: case SATO_OP_BOOLOR:
            case SATO_OP_NUMEQUAL: case SATO_OP_NUMEQUALVERIFY: case SATO_OP_NUMNOTEQUAL:
            case SATO_OP_LESSTHAN: case SATO_OP_GREATERTHAN: case SATO_OP_LESSTHANOREQUAL:
            case SATO_OP_GREATERTHANOREQUAL: case SATO_OP_MIN: case SATO_OP_MAX: {
                int64_t a, b, r;
                NEED(2);
                READ_NUM(a, -2, 4);
                READ_NUM(b, -1, 4);
                switch (opcode) {
                case SATO_OP_ADD: r = a + b; break;
                case SATO_OP_SUB: r = a - b; break;
                case SATO_OP_BOOLAND: r = a != 0 && b != 0; break;
                case SATO_OP_BOOLOR: r = a != 0 || b != 0; break;
                case SATO_OP_NUMEQUAL: case SATO_OP_NUMEQUALVERIFY: r = a == b; break;
                case SATO_OP_NUMNOTEQUAL: r = a != b; break;
                case SATO_OP_LESSTHAN: r = a < b; break;
                case SATO_OP_GREATERTHAN: r = a > b; break;
                case SATO_OP_LESSTHANOREQUAL: r = a <= b; break;
                case SATO_OP_GREATERTHANOREQUAL: r = a >= b; break;
                case SATO_OP_MIN: r = a < b ? a : b; break;
                default: r = a > b ? a : b; break;
                }
                pop(stack);
                pop(stack);
                push_num(stack, r);
                if (opcode == SATO_OP_NUMEQUALVERIFY) {
                    if (!cast_to_bool(top(stack, -1))) FAIL(SATO_SCRIPT_ERR_NUMEQUALVERIFY);
                    pop(stack);
                }
                break;
            }

            case SATO_OP_WITHIN: {
                int64_t x, lo, hi;
                NEED(3);
                READ_NUM(x, -3, 4);
                READ_NUM(lo, -2, 4);
                READ_NUM(hi, -1, 4);
                pop(stack);
                pop(stack);
                pop(stack);
                push_bool(stack, lo <= x && x < hi);
                break;
            }

            case SATO_OP_RIPEMD160: case SATO_OP_SHA1: case SATO_OP_SHA256:
            case SATO_OP_HASH160: case SATO_OP_HASH256: {
                unsigned char h[32];
                size_t hlen = 32;
                const sato_bytes_t *v;
                NEED(1);
                v = top(stack, -1);
                switch (opcode) {
                case SATO_OP_RIPEMD160:
                    sato_ripemd160(h, v->data, v->len);
                    hlen = 20;
                    break;
                case SATO_OP_SHA1:
                    sato_script_sha1(h, v->data, v->len);
                    hlen = 20;
                    break;
                case SATO_OP_SHA256:
                    sato_sha256(h, v->data, v->len);
                    break;
                case SATO_OP_HASH160:
                    sato_hash160(h, v->data, v->len);
                    hlen = 20;
                    break;
                default:
                    sato_sha256d(h, v->data, v->len);
                    break;
                }
                pop(stack);
                sato_stack_push(stack, h, hlen);
                break;
            }

            case SATO_OP_CODESEPARATOR:
                /* Signatures cover the script from here on. */
                codehash_begin = pc;
                execdata->codesep_pos = opcode_pos;
                break;

            case SATO_OP_CHECKSIG:
            case SATO_OP_CHECKSIGVERIFY: {
                int success = 0, ok;
                NEED(2);
                if (legacy) {
                    ok = checksig_pre_tapscript(top(stack, -2), top(stack, -1), script + codehash_begin,
                                                script_len - codehash_begin, flags, checker,
                                                sigversion, &error, &success);
                } else {
                    ok = checksig_tapscript(top(stack, -2), top(stack, -1), execdata, flags, checker,
                                            sigversion, &error, &success);
                }
                if (!ok) goto out;
                pop(stack);
                pop(stack);
                push_bool(stack, success);
                if (opcode == SATO_OP_CHECKSIGVERIFY) {
                    if (!success) FAIL(SATO_SCRIPT_ERR_CHECKSIGVERIFY);
                    pop(stack);
                }
                break;
            }

            case SATO_OP_CHECKSIGADD: {
                int64_t n;
                int success = 0;
                /* Tapscript only; before it the byte was an unknown opcode. */
                if (legacy) FAIL(SATO_SCRIPT_ERR_BAD_OPCODE);
                NEED(3);
                READ_NUM(n, -2, 4);
                if (!checksig_tapscript(top(stack, -3), top(stack, -1), execdata, flags, checker,
                                        sigversion, &error, &success)) {
                    goto out;
                }
                pop(stack);
                pop(stack);
                pop(stack);
                push_num(stack, n + (success ? 1 : 0));
                break;
            }

            case SATO_OP_CHECKMULTISIG:
            case SATO_OP_CHECKMULTISIGVERIFY: {
                int i = 1, ikey, ikey2, isig, k, success = 1;
                int64_t nkeys, nsigs;
                unsigned char *code = NULL;
                size_t code_len;
                if (sigversion == SATO_SIGVERSION_TAPSCRIPT) FAIL(SATO_SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG);
                NEED(i);
                READ_NUM(nkeys, -i, 4);
                if (nkeys < 0 || nkeys > SATO_MAX_PUBKEYS_PER_MULTISIG) FAIL(SATO_SCRIPT_ERR_PUBKEY_COUNT);
                op_count += (int)nkeys;
                if (op_count > SATO_MAX_OPS_PER_SCRIPT) FAIL(SATO_SCRIPT_ERR_OP_COUNT);
                ikey = ++i;
                /* Keys to pop on failure, for the NULLFAIL check. */
                ikey2 = (int)nkeys + 2;
                i += (int)nkeys;
                NEED(i);
                READ_NUM(nsigs, -i, 4);
                if (nsigs < 0 || nsigs > nkeys) FAIL(SATO_SCRIPT_ERR_SIG_COUNT);
                isig = ++i;
                i += (int)nsigs;
                NEED(i);

                code_len = script_len - codehash_begin;
                code = sato_malloc(code_len + 1);
                if (code_len) memcpy(code, script + codehash_begin, code_len);
                for (k = 0; k < nsigs; k++) {
                    if (sigversion == SATO_SIGVERSION_BASE &&
                        delete_sig(code, &code_len, top(stack, -isig - k)) > 0 &&
                        (flags & SATO_SCRIPT_VERIFY_CONST_SCRIPTCODE)) {
                        free(code);
                        FAIL(SATO_SCRIPT_ERR_SIG_FINDANDDELETE);
                    }
                }
                while (success && nsigs > 0) {
                    const sato_bytes_t *sig = top(stack, -isig), *pk = top(stack, -ikey);
                    if (!sato_script_check_signature_encoding(sig->data, sig->len, flags, &error) ||
                        !check_pubkey_encoding(pk, flags, sigversion, &error)) {
                        free(code);
                        goto out;
                    }
                    if (call_ecdsa(checker, sig, pk, code, code_len, sigversion)) {
                        isig++;
                        nsigs--;
                    }
                    ikey++;
                    nkeys--;
                    /* More signatures left than keys: cannot succeed. */
                    if (nsigs > nkeys) success = 0;
                }
                free(code);

                while (i-- > 1) {
                    if (!success && (flags & SATO_SCRIPT_VERIFY_NULLFAIL) && !ikey2 &&
                        top(stack, -1)->len) {
                        FAIL(SATO_SCRIPT_ERR_SIG_NULLFAIL);
                    }
                    if (ikey2 > 0) ikey2--;
                    pop(stack);
                }
                /* The extra element popped by an old off-by-one, now
                 * required empty under NULLDUMMY (BIP147). */
                NEED(1);
                if ((flags & SATO_SCRIPT_VERIFY_NULLDUMMY) && top(stack, -1)->len) {
                    FAIL(SATO_SCRIPT_ERR_SIG_NULLDUMMY);
                }
                pop(stack);
                push_bool(stack, success);
                if (opcode == SATO_OP_CHECKMULTISIGVERIFY) {
                    if (!success) FAIL(SATO_SCRIPT_ERR_CHECKMULTISIGVERIFY);
                    pop(stack);
                }
                break;
            }

            default:
                FAIL(SATO_SCRIPT_ERR_BAD_OPCODE);
            }
        }

        if (stack->len + alt.len > SATO_MAX_STACK_SIZE) FAIL(SATO_SCRIPT_ERR_STACK_SIZE);
    }

    if (cond.size != 0) FAIL(SATO_SCRIPT_ERR_UNBALANCED_CONDITIONAL);
    error = SATO_SCRIPT_ERR_OK;
    ret = 1;
out:
    sato_stack_clear(&alt);
    if (err) *err = error;
    return ret;
}

/* Runs a witness script on its stack with the implicit clean-stack rule
 * (Core's ExecuteWitnessScript). */
static int execute_witness_script(sato_stack_t *stack, const unsigned char *script, size_t len,
                                  unsigned int flags, sato_sigversion_t sv,
                                  const sato_sigchecker_t *checker, sato_execdata_t *execdata,
                                  sato_script_error_t *err) {
    size_t i;
    if (sv == SATO_SIGVERSION_TAPSCRIPT) {
        /* OP_SUCCESSx anywhere (even unreachable) makes the script
         * succeed, before any other rule is looked at. */
        size_t pc = 0;
        int op;
        while (pc < len) {
            if (!sato_script_get_op(script, len, &pc, &op, NULL, NULL)) {
                *err = SATO_SCRIPT_ERR_BAD_OPCODE;
                return 0;
            }
            if (is_op_success(op)) {
                if (flags & SATO_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS) {
                    *err = SATO_SCRIPT_ERR_DISCOURAGE_OP_SUCCESS;
                    return 0;
                }
                *err = SATO_SCRIPT_ERR_OK;
                return 1;
            }
        }
        if (stack->len > SATO_MAX_STACK_SIZE) {
            *err = SATO_SCRIPT_ERR_STACK_SIZE;
            return 0;
        }
    }
    for (i = 0; i < stack->len; i++) {
        if (stack->items[i].len > SATO_MAX_SCRIPT_ELEMENT_SIZE) {
            *err = SATO_SCRIPT_ERR_PUSH_SIZE;
            return 0;
        }
    }
    if (!sato_script_eval(stack, script, len, flags, checker, sv, execdata, err)) return 0;
    if (stack->len != 1) {
        *err = SATO_SCRIPT_ERR_CLEANSTACK;
        return 0;
    }
    if (!cast_to_bool(&stack->items[0])) {
        *err = SATO_SCRIPT_ERR_EVAL_FALSE;
        return 0;
    }
    *err = SATO_SCRIPT_ERR_OK;
    return 1;
}

/* Serialized size of a witness stack, the base of the tapscript budget. */
static uint64_t witness_serialized_size(const sato_bytes_t *w, size_t n) {
    unsigned char cs[9];
    uint64_t total = compact_size(cs, n);
    size_t i;
    for (i = 0; i < n; i++) total += compact_size(cs, w[i].len) + w[i].len;
    return total;
}

static int verify_witness_program(const sato_bytes_t *witness, size_t witness_len, int version,
                                  const unsigned char *program, size_t program_len,
                                  unsigned int flags, const sato_sigchecker_t *checker, int is_p2sh,
                                  sato_script_error_t *err) {
    sato_stack_t stack;
    sato_execdata_t execdata;
    size_t i;
    int ret = 0;

    memset(&execdata, 0, sizeof(execdata));
    sato_stack_init(&stack);
    for (i = 0; i < witness_len; i++) sato_stack_push(&stack, witness[i].data, witness[i].len);

    if (version == 0) {
        if (program_len == SATO_WITNESS_V0_SCRIPTHASH_SIZE) {
            unsigned char h[32];
            sato_bytes_t ws;
            if (stack.len == 0) {
                *err = SATO_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY;
                goto out;
            }
            ws = stack.items[--stack.len];
            sato_sha256(h, ws.data, ws.len);
            if (memcmp(h, program, 32) != 0) {
                free(ws.data);
                *err = SATO_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH;
                goto out;
            }
            ret = execute_witness_script(&stack, ws.data, ws.len, flags, SATO_SIGVERSION_WITNESS_V0,
                                         checker, &execdata, err);
            free(ws.data);
            goto out;
        }
        if (program_len == SATO_WITNESS_V0_KEYHASH_SIZE) {
            /* The implied script: DUP HASH160 <program> EQUALVERIFY CHECKSIG. */
            unsigned char s[25];
            if (stack.len != 2) {
                *err = SATO_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH;
                goto out;
            }
            s[0] = SATO_OP_DUP;
            s[1] = SATO_OP_HASH160;
            s[2] = 20;
            memcpy(s + 3, program, 20);
            s[23] = SATO_OP_EQUALVERIFY;
            s[24] = SATO_OP_CHECKSIG;
            ret = execute_witness_script(&stack, s, sizeof(s), flags, SATO_SIGVERSION_WITNESS_V0,
                                         checker, &execdata, err);
            goto out;
        }
        *err = SATO_SCRIPT_ERR_WITNESS_PROGRAM_WRONG_LENGTH;
        goto out;
    }

    if (version == 1 && program_len == SATO_WITNESS_V1_TAPROOT_SIZE && !is_p2sh) {
        const sato_bytes_t *last;
        if (!(flags & SATO_SCRIPT_VERIFY_TAPROOT)) {
            ret = 1;
            *err = SATO_SCRIPT_ERR_OK;
            goto out;
        }
        if (stack.len == 0) {
            *err = SATO_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY;
            goto out;
        }
        last = &stack.items[stack.len - 1];
        if (stack.len >= 2 && last->len > 0 && last->data[0] == SATO_ANNEX_TAG) {
            sato_sha256_t h;
            unsigned char cs[9];
            size_t n = compact_size(cs, last->len);
            sato_sha256_init(&h);
            sato_sha256_write(&h, cs, n);
            sato_sha256_write(&h, last->data, last->len);
            sato_sha256_finalize(&h, execdata.annex_hash);
            execdata.annex_present = 1;
            pop(&stack);
        } else {
            execdata.annex_present = 0;
        }
        execdata.annex_init = 1;

        if (stack.len == 1) {
            /* Key path: one signature for the output key itself. */
            sato_script_error_t e = SATO_SCRIPT_ERR_SCHNORR_SIG;
            if (checker == NULL || checker->check_schnorr == NULL ||
                checker->check_schnorr(checker->ctx, stack.items[0].data, stack.items[0].len, program,
                                       SATO_SIGVERSION_TAPROOT, &execdata, &e) != 1) {
                *err = e == SATO_SCRIPT_ERR_OK ? SATO_SCRIPT_ERR_SCHNORR_SIG : e;
                goto out;
            }
            ret = 1;
            *err = SATO_SCRIPT_ERR_OK;
            goto out;
        } else {
            /* Script path: ... script control. */
            sato_bytes_t control = stack.items[stack.len - 1], leaf_script = stack.items[stack.len - 2];
            stack.len -= 2;
            if (control.len < SATO_TAPROOT_CONTROL_BASE_SIZE ||
                control.len > SATO_TAPROOT_CONTROL_MAX_SIZE ||
                (control.len - SATO_TAPROOT_CONTROL_BASE_SIZE) % SATO_TAPROOT_CONTROL_NODE_SIZE != 0) {
                *err = SATO_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE;
            } else {
                sato_taproot_leaf_hash(execdata.tapleaf_hash, control.data[0] & SATO_TAPROOT_LEAF_MASK,
                                       leaf_script.data, leaf_script.len);
                if (!verify_taproot_commitment(control.data, control.len, program, execdata.tapleaf_hash)) {
                    *err = SATO_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH;
                } else {
                    execdata.tapleaf_hash_init = 1;
                    if ((control.data[0] & SATO_TAPROOT_LEAF_MASK) == SATO_TAPROOT_LEAF_TAPSCRIPT) {
                        execdata.weight_left = (int64_t)witness_serialized_size(witness, witness_len) +
                                               SATO_VALIDATION_WEIGHT_OFFSET;
                        execdata.weight_left_init = 1;
                        ret = execute_witness_script(&stack, leaf_script.data, leaf_script.len, flags,
                                                     SATO_SIGVERSION_TAPSCRIPT, checker, &execdata, err);
                    } else if (flags & SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION) {
                        *err = SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION;
                    } else {
                        /* Unknown leaf versions are left to future soft forks. */
                        ret = 1;
                        *err = SATO_SCRIPT_ERR_OK;
                    }
                }
            }
            free(control.data);
            free(leaf_script.data);
            goto out;
        }
    }

    if (!is_p2sh && version == 1 && program_len == 2 && program[0] == 0x4e && program[1] == 0x73) {
        /* Pay-to-anchor: keyless, spendable by anyone. */
        ret = 1;
        *err = SATO_SCRIPT_ERR_OK;
        goto out;
    }
    if (flags & SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM) {
        *err = SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM;
        goto out;
    }
    /* Other versions and lengths: reserved for upgrades, anyone can spend. */
    ret = 1;
    *err = SATO_SCRIPT_ERR_OK;
out:
    sato_stack_clear(&stack);
    return ret;
}

int sato_script_verify(const unsigned char *script_sig, size_t script_sig_len,
                       const unsigned char *script_pubkey, size_t script_pubkey_len,
                       const sato_bytes_t *witness, size_t witness_len,
                       unsigned int flags, const sato_sigchecker_t *checker,
                       sato_script_error_t *err) {
    sato_stack_t stack, p2sh_stack;
    sato_script_error_t error = SATO_SCRIPT_ERR_UNKNOWN_ERROR;
    int had_witness = 0, ret = 0, version;
    const unsigned char *program;
    size_t program_len;

    sato_stack_init(&stack);
    sato_stack_init(&p2sh_stack);
    if (witness == NULL) witness_len = 0;

    if ((flags & SATO_SCRIPT_VERIFY_SIGPUSHONLY) &&
        !sato_script_is_push_only(script_sig, script_sig_len)) {
        error = SATO_SCRIPT_ERR_SIG_PUSHONLY;
        goto out;
    }
    if (!sato_script_eval(&stack, script_sig, script_sig_len, flags, checker, SATO_SIGVERSION_BASE,
                          NULL, &error)) {
        goto out;
    }
    if (flags & SATO_SCRIPT_VERIFY_P2SH) copy_stack(&p2sh_stack, &stack);
    if (!sato_script_eval(&stack, script_pubkey, script_pubkey_len, flags, checker,
                          SATO_SIGVERSION_BASE, NULL, &error)) {
        goto out;
    }
    if (stack.len == 0 || !cast_to_bool(top(&stack, -1))) {
        error = SATO_SCRIPT_ERR_EVAL_FALSE;
        goto out;
    }

    /* A bare witness program: its scriptSig must be empty. */
    if ((flags & SATO_SCRIPT_VERIFY_WITNESS) &&
        sato_script_is_witness_program(script_pubkey, script_pubkey_len, &version, &program,
                                       &program_len)) {
        had_witness = 1;
        if (script_sig_len != 0) {
            error = SATO_SCRIPT_ERR_WITNESS_MALLEATED;
            goto out;
        }
        if (!verify_witness_program(witness, witness_len, version, program, program_len, flags,
                                    checker, 0, &error)) {
            goto out;
        }
        /* The witness left one true element: skip the clean-stack check. */
        while (stack.len > 1) erase_at(&stack, -(int)stack.len);
    }

    if ((flags & SATO_SCRIPT_VERIFY_P2SH) && sato_script_is_p2sh(script_pubkey, script_pubkey_len)) {
        sato_stack_t tmp;
        sato_bytes_t redeem;
        if (!sato_script_is_push_only(script_sig, script_sig_len)) {
            error = SATO_SCRIPT_ERR_SIG_PUSHONLY;
            goto out;
        }
        tmp = stack;
        stack = p2sh_stack;
        p2sh_stack = tmp;
        /* Not empty: the P2SH scriptPubKey consumed an element above. */
        if (stack.len == 0) {
            error = SATO_SCRIPT_ERR_EVAL_FALSE;
            goto out;
        }
        redeem = stack.items[--stack.len];
        if (!sato_script_eval(&stack, redeem.data, redeem.len, flags, checker, SATO_SIGVERSION_BASE,
                              NULL, &error)) {
            free(redeem.data);
            goto out;
        }
        if (stack.len == 0 || !cast_to_bool(top(&stack, -1))) {
            free(redeem.data);
            error = SATO_SCRIPT_ERR_EVAL_FALSE;
            goto out;
        }
        if ((flags & SATO_SCRIPT_VERIFY_WITNESS) &&
            sato_script_is_witness_program(redeem.data, redeem.len, &version, &program, &program_len)) {
            unsigned char expect[1 + 40 + 2];
            size_t n;
            had_witness = 1;
            /* The scriptSig must be exactly the push of the redeem script. */
            n = serialize_push(expect, redeem.data, redeem.len);
            if (script_sig_len != n || memcmp(script_sig, expect, n) != 0) {
                free(redeem.data);
                error = SATO_SCRIPT_ERR_WITNESS_MALLEATED_P2SH;
                goto out;
            }
            if (!verify_witness_program(witness, witness_len, version, program, program_len, flags,
                                        checker, 1, &error)) {
                free(redeem.data);
                goto out;
            }
            while (stack.len > 1) erase_at(&stack, -(int)stack.len);
        }
        free(redeem.data);
    }

    /* CLEANSTACK is only meaningful with P2SH and WITNESS; Core asserts
     * that, and here the rule simply applies as written. */
    if ((flags & SATO_SCRIPT_VERIFY_CLEANSTACK) && stack.len != 1) {
        error = SATO_SCRIPT_ERR_CLEANSTACK;
        goto out;
    }
    if ((flags & SATO_SCRIPT_VERIFY_WITNESS) && !had_witness && witness_len > 0) {
        error = SATO_SCRIPT_ERR_WITNESS_UNEXPECTED;
        goto out;
    }
    error = SATO_SCRIPT_ERR_OK;
    ret = 1;
out:
    sato_stack_clear(&stack);
    sato_stack_clear(&p2sh_stack);
    if (err) *err = error;
    return ret;
}
