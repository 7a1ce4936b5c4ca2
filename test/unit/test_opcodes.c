/* Every one of the 256 opcode bytes, run in small scripts under the
 * relevant flags and script versions, against the classification the BIPs
 * give it: push, disabled, reserved/unknown (bad when executed), upgradable
 * NOP, OP_SUCCESS in tapscript (BIP342), tapscript-only, or ordinary. The
 * expected class is written out here from the BIP texts, not taken from
 * the interpreter. */
#include <string.h>

#include "sato/script.h"
#include "taproot_leaf.h"
#include "test.h"

typedef enum {
    CLASS_PUSH,        /* 0x00-0x4e, 0x4f, 0x51-0x60 */
    CLASS_FLOW,        /* IF NOTIF ELSE ENDIF */
    CLASS_DISABLED,    /* fail even unexecuted (CVE-2010-5137 era) */
    CLASS_VERIF,       /* VERIF/VERNOTIF: bad even unexecuted */
    CLASS_RESERVED,    /* bad when executed, harmless otherwise */
    CLASS_UPGRADE_NOP, /* NOP1, NOP4-NOP10 */
    CLASS_LOCKTIME,    /* CLTV, CSV: NOPs without their flags */
    CLASS_TAPONLY,     /* CHECKSIGADD */
    CLASS_NORMAL
} op_class_t;

static op_class_t classify(int b) {
    if (b <= 0x4f || (b >= 0x51 && b <= 0x60)) return CLASS_PUSH;
    if (b == 0x63 || b == 0x64 || b == 0x67 || b == 0x68) return CLASS_FLOW;
    if (b == 0x65 || b == 0x66) return CLASS_VERIF;
    if ((b >= 0x7e && b <= 0x81) || (b >= 0x83 && b <= 0x86) || b == 0x8d || b == 0x8e ||
        (b >= 0x95 && b <= 0x99)) {
        return CLASS_DISABLED;
    }
    if (b == 0x50 || b == 0x62 || b == 0x89 || b == 0x8a || b >= 0xbb) return CLASS_RESERVED;
    if (b == 0xb0 || (b >= 0xb3 && b <= 0xb9)) return CLASS_UPGRADE_NOP;
    if (b == 0xb1 || b == 0xb2) return CLASS_LOCKTIME;
    if (b == 0xba) return CLASS_TAPONLY;
    return CLASS_NORMAL;
}

/* BIP342's list of OP_SUCCESSx. */
static int bip342_success(int b) {
    static const int list[][2] = {{80, 80},   {98, 98},   {126, 129}, {131, 134},
                                  {137, 138}, {141, 142}, {149, 153}, {187, 254}};
    size_t i;
    for (i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        if (b >= list[i][0] && b <= list[i][1]) return 1;
    }
    return 0;
}

static int eval(const unsigned char *script, size_t len, unsigned int flags, sato_sigversion_t sv,
                int preload, sato_script_error_t *err) {
    sato_stack_t st;
    sato_execdata_t ex;
    int i, ok;
    static const unsigned char one = 1;
    memset(&ex, 0, sizeof(ex));
    ex.weight_left_init = 1;
    ex.weight_left = 1000;
    sato_stack_init(&st);
    for (i = 0; i < preload; i++) sato_stack_push(&st, &one, 1);
    ok = sato_script_eval(&st, script, len, flags, NULL, sv, &ex, err);
    sato_stack_clear(&st);
    return ok;
}

/* Pushes: the opcode must put exactly its data on the stack. */
static void test_push(int b) {
    unsigned char s[80];
    size_t len = 0, want = 0;
    sato_stack_t st;
    sato_script_error_t err;
    int ok;
    memset(s, 0x07, sizeof(s));
    s[len++] = (unsigned char)b;
    if (b >= 1 && b <= 0x4b) {
        len += (size_t)b;
        want = (size_t)b;
    } else if (b == SATO_OP_PUSHDATA1) {
        s[len++] = 3;
        len += 3;
        want = 3;
    } else if (b == SATO_OP_PUSHDATA2) {
        s[len++] = 2;
        s[len++] = 0;
        len += 2;
        want = 2;
    } else if (b == SATO_OP_PUSHDATA4) {
        s[len++] = 1;
        s[len++] = 0;
        s[len++] = 0;
        s[len++] = 0;
        len += 1;
        want = 1;
    } else if (b != 0) {
        want = 1; /* OP_1NEGATE and OP_1..OP_16 push one byte */
    }
    sato_stack_init(&st);
    ok = sato_script_eval(&st, s, len, 0, NULL, SATO_SIGVERSION_BASE, NULL, &err);
    test_case(ok && st.len == 1 && st.items[0].len == want, "push 0x%02x", b);
    if (ok && st.len == 1 && b >= 0x4f) {
        int64_t v;
        int expect = b == 0x4f ? -1 : b - 0x50;
        test_case(sato_scriptnum_decode(&v, st.items[0].data, st.items[0].len, 1, 4) && v == expect,
                  "small int 0x%02x", b);
    }
    sato_stack_clear(&st);
    /* A truncated push is a parse failure. */
    if (b >= 1 && b <= SATO_OP_PUSHDATA4) {
        ok = eval(s, 1, 0, SATO_SIGVERSION_BASE, 0, &err);
        test_case(!ok && err == SATO_SCRIPT_ERR_BAD_OPCODE, "truncated push 0x%02x", b);
    }
}

/* Tapscript: leaf "RETURN <b> 00*80" succeeds only through OP_SUCCESS. */
static void test_tapscript_success(int b) {
    unsigned char leaf[82], key[32], control[33], spk[34];
    sato_bytes_t wit[2];
    sato_script_error_t err;
    unsigned int flags = SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS | SATO_SCRIPT_VERIFY_TAPROOT;
    int ok;
    memset(leaf, 0, sizeof(leaf));
    leaf[0] = SATO_OP_RETURN;
    leaf[1] = (unsigned char)b;
    if (!test_taproot_one_leaf(key, control, leaf, sizeof(leaf))) {
        test_case(0, "taproot setup 0x%02x", b);
        return;
    }
    spk[0] = SATO_OP_1;
    spk[1] = 32;
    memcpy(spk + 2, key, 32);
    wit[0].data = leaf;
    wit[0].len = sizeof(leaf);
    wit[1].data = control;
    wit[1].len = sizeof(control);
    ok = sato_script_verify(NULL, 0, spk, sizeof(spk), wit, 2, flags, NULL, &err);
    if (bip342_success(b)) {
        test_case(ok && err == SATO_SCRIPT_ERR_OK, "OP_SUCCESS 0x%02x: %s", b, sato_script_error_name(err));
        ok = sato_script_verify(NULL, 0, spk, sizeof(spk), wit, 2,
                                flags | SATO_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS, NULL, &err);
        test_case(!ok && err == SATO_SCRIPT_ERR_DISCOURAGE_OP_SUCCESS, "discouraged OP_SUCCESS 0x%02x", b);
    } else {
        test_case(!ok && err == SATO_SCRIPT_ERR_OP_RETURN, "not OP_SUCCESS 0x%02x: %s", b,
                  sato_script_error_name(err));
    }
}

static void test_non_push(int b) {
    op_class_t c = classify(b);
    sato_script_error_t err;
    unsigned char unexec[4] = {SATO_OP_0, SATO_OP_IF, (unsigned char)b, SATO_OP_ENDIF};
    unsigned char exec[1] = {(unsigned char)b};
    int ok;

    /* In a branch not taken. */
    if (c != CLASS_FLOW) {
        ok = eval(unexec, sizeof(unexec), SATO_SCRIPT_VERIFY_ALL, SATO_SIGVERSION_BASE, 0, &err);
        if (b == SATO_OP_CODESEPARATOR) {
            /* CONST_SCRIPTCODE forbids it anywhere in legacy scripts, but
             * not in segwit ones. */
            test_case(!ok && err == SATO_SCRIPT_ERR_OP_CODESEPARATOR, "unexecuted CODESEPARATOR");
            ok = eval(unexec, sizeof(unexec), SATO_SCRIPT_VERIFY_ALL, SATO_SIGVERSION_WITNESS_V0, 0, &err);
            test_case(ok, "unexecuted CODESEPARATOR in v0");
        } else if (c == CLASS_DISABLED) {
            test_case(!ok && err == SATO_SCRIPT_ERR_DISABLED_OPCODE, "unexecuted disabled 0x%02x", b);
        } else if (c == CLASS_VERIF) {
            test_case(!ok && err == SATO_SCRIPT_ERR_BAD_OPCODE, "unexecuted VERIF 0x%02x", b);
        } else {
            test_case(ok, "unexecuted 0x%02x: %s", b, sato_script_error_name(err));
        }
    }

    /* Executed, legacy and segwit v0, with a stack deep enough for any op. */
    ok = eval(exec, 1, 0, SATO_SIGVERSION_BASE, 30, &err);
    switch (c) {
    case CLASS_DISABLED:
        test_case(!ok && err == SATO_SCRIPT_ERR_DISABLED_OPCODE, "disabled 0x%02x", b);
        break;
    case CLASS_VERIF:
    case CLASS_RESERVED:
    case CLASS_TAPONLY:
        test_case(!ok && err == SATO_SCRIPT_ERR_BAD_OPCODE, "bad 0x%02x: %s", b, sato_script_error_name(err));
        ok = eval(exec, 1, 0, SATO_SIGVERSION_WITNESS_V0, 30, &err);
        test_case(!ok && err == SATO_SCRIPT_ERR_BAD_OPCODE, "bad v0 0x%02x", b);
        break;
    case CLASS_UPGRADE_NOP:
    case CLASS_LOCKTIME:
        test_case(ok, "NOP 0x%02x: %s", b, sato_script_error_name(err));
        ok = eval(exec, 1, SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS, SATO_SIGVERSION_BASE, 30, &err);
        if (c == CLASS_UPGRADE_NOP) {
            test_case(!ok && err == SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_NOPS, "discouraged NOP 0x%02x", b);
        } else {
            /* NOP2/NOP3 have forks behind them: never discouraged. */
            test_case(ok, "CLTV/CSV as NOP 0x%02x: %s", b, sato_script_error_name(err));
        }
        if (c == CLASS_LOCKTIME) {
            /* With its flag it is a real check: no checker, so unsatisfied. */
            unsigned int f = b == 0xb1 ? SATO_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY
                                       : SATO_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
            ok = eval(exec, 1, f | SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS, SATO_SIGVERSION_BASE, 30, &err);
            test_case(!ok && err == SATO_SCRIPT_ERR_UNSATISFIED_LOCKTIME, "locktime op 0x%02x", b);
        }
        break;
    case CLASS_FLOW:
    case CLASS_NORMAL:
        test_case(ok || (err != SATO_SCRIPT_ERR_BAD_OPCODE && err != SATO_SCRIPT_ERR_DISABLED_OPCODE),
                  "normal 0x%02x: %s", b, sato_script_error_name(err));
        break;
    default:
        test_case(0, "unclassified 0x%02x", b);
    }

    /* Tapscript: CHECKSIGADD exists, CHECKMULTISIG is gone. */
    if (!bip342_success(b) && c != CLASS_VERIF) {
        ok = eval(exec, 1, 0, SATO_SIGVERSION_TAPSCRIPT, 30, &err);
        if (b == SATO_OP_CHECKMULTISIG || b == SATO_OP_CHECKMULTISIGVERIFY) {
            test_case(!ok && err == SATO_SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG, "tapscript multisig 0x%02x", b);
        } else if (c == CLASS_TAPONLY) {
            test_case(ok || err != SATO_SCRIPT_ERR_BAD_OPCODE, "tapscript CHECKSIGADD: %s",
                      sato_script_error_name(err));
        } else if (c == CLASS_RESERVED) {
            test_case(!ok && err == SATO_SCRIPT_ERR_BAD_OPCODE, "tapscript bad 0x%02x", b);
        }
    }
}

static void test_limits(void) {
    unsigned char s[SATO_MAX_SCRIPT_SIZE + 1];
    sato_script_error_t err;
    int ok;
    size_t i;
    /* 201 counted ops pass, 202 fail; pushes do not count. */
    memset(s, SATO_OP_NOP, sizeof(s));
    ok = eval(s, 201, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(ok, "201 ops");
    ok = eval(s, 202, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_OP_COUNT, "202 ops");
    ok = eval(s, 202, 0, SATO_SIGVERSION_TAPSCRIPT, 0, &err);
    test_case(ok, "tapscript has no op limit");
    /* Script size limit, legacy only. */
    memset(s, SATO_OP_0, sizeof(s));
    ok = eval(s, SATO_MAX_SCRIPT_SIZE + 1, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCRIPT_SIZE, "script size");
    /* 1000 stack elements pass, 1001 fail. */
    ok = eval(s, 1000, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(ok, "1000 elements");
    ok = eval(s, 1001, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_STACK_SIZE, "1001 elements");
    /* 520-byte push passes, 521 fails (even unexecuted). */
    s[0] = SATO_OP_PUSHDATA2;
    s[1] = 0x08;
    s[2] = 0x02;
    for (i = 3; i < 3 + 520; i++) s[i] = 1;
    ok = eval(s, 3 + 520, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(ok, "520-byte push");
    s[1] = 0x09;
    ok = eval(s, 3 + 521, 0, SATO_SIGVERSION_BASE, 0, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_PUSH_SIZE, "521-byte push");
}

int main(void) {
    int b;
    for (b = 0; b < 256; b++) {
        if (classify(b) == CLASS_PUSH) {
            test_push(b);
        } else {
            test_non_push(b);
        }
        test_tapscript_success(b);
    }
    test_limits();
    return test_report("test_opcodes");
}
