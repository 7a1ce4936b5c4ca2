/* Names for opcodes, verification flags and script errors, spelled as
 * Bitcoin Core spells them in its test vectors and messages. */
#include <string.h>

#include "sato/script.h"

const char *sato_opcode_name(int op) {
    static const char *const small[] = {"1", "2", "3", "4", "5", "6", "7", "8",
                                        "9", "10", "11", "12", "13", "14", "15", "16"};
    if (op >= SATO_OP_1 && op <= SATO_OP_16) return small[op - SATO_OP_1];
    switch (op) {
    case SATO_OP_0: return "0";
    case SATO_OP_PUSHDATA1: return "OP_PUSHDATA1";
    case SATO_OP_PUSHDATA2: return "OP_PUSHDATA2";
    case SATO_OP_PUSHDATA4: return "OP_PUSHDATA4";
    case SATO_OP_1NEGATE: return "-1";
    case SATO_OP_RESERVED: return "OP_RESERVED";
    case SATO_OP_NOP: return "OP_NOP";
    case SATO_OP_VER: return "OP_VER";
    case SATO_OP_IF: return "OP_IF";
    case SATO_OP_NOTIF: return "OP_NOTIF";
    case SATO_OP_VERIF: return "OP_VERIF";
    case SATO_OP_VERNOTIF: return "OP_VERNOTIF";
    case SATO_OP_ELSE: return "OP_ELSE";
    case SATO_OP_ENDIF: return "OP_ENDIF";
    case SATO_OP_VERIFY: return "OP_VERIFY";
    case SATO_OP_RETURN: return "OP_RETURN";
    case SATO_OP_TOALTSTACK: return "OP_TOALTSTACK";
    case SATO_OP_FROMALTSTACK: return "OP_FROMALTSTACK";
    case SATO_OP_2DROP: return "OP_2DROP";
    case SATO_OP_2DUP: return "OP_2DUP";
    case SATO_OP_3DUP: return "OP_3DUP";
    case SATO_OP_2OVER: return "OP_2OVER";
    case SATO_OP_2ROT: return "OP_2ROT";
    case SATO_OP_2SWAP: return "OP_2SWAP";
    case SATO_OP_IFDUP: return "OP_IFDUP";
    case SATO_OP_DEPTH: return "OP_DEPTH";
    case SATO_OP_DROP: return "OP_DROP";
    case SATO_OP_DUP: return "OP_DUP";
    case SATO_OP_NIP: return "OP_NIP";
    case SATO_OP_OVER: return "OP_OVER";
    case SATO_OP_PICK: return "OP_PICK";
    case SATO_OP_ROLL: return "OP_ROLL";
    case SATO_OP_ROT: return "OP_ROT";
    case SATO_OP_SWAP: return "OP_SWAP";
    case SATO_OP_TUCK: return "OP_TUCK";
    case SATO_OP_CAT: return "OP_CAT";
    case SATO_OP_SUBSTR: return "OP_SUBSTR";
    case SATO_OP_LEFT: return "OP_LEFT";
    case SATO_OP_RIGHT: return "OP_RIGHT";
    case SATO_OP_SIZE: return "OP_SIZE";
    case SATO_OP_INVERT: return "OP_INVERT";
    case SATO_OP_AND: return "OP_AND";
    case SATO_OP_OR: return "OP_OR";
    case SATO_OP_XOR: return "OP_XOR";
    case SATO_OP_EQUAL: return "OP_EQUAL";
    case SATO_OP_EQUALVERIFY: return "OP_EQUALVERIFY";
    case SATO_OP_RESERVED1: return "OP_RESERVED1";
    case SATO_OP_RESERVED2: return "OP_RESERVED2";
    case SATO_OP_1ADD: return "OP_1ADD";
    case SATO_OP_1SUB: return "OP_1SUB";
    case SATO_OP_2MUL: return "OP_2MUL";
    case SATO_OP_2DIV: return "OP_2DIV";
    case SATO_OP_NEGATE: return "OP_NEGATE";
    case SATO_OP_ABS: return "OP_ABS";
    case SATO_OP_NOT: return "OP_NOT";
    case SATO_OP_0NOTEQUAL: return "OP_0NOTEQUAL";
    case SATO_OP_ADD: return "OP_ADD";
    case SATO_OP_SUB: return "OP_SUB";
    case SATO_OP_MUL: return "OP_MUL";
    case SATO_OP_DIV: return "OP_DIV";
    case SATO_OP_MOD: return "OP_MOD";
    case SATO_OP_LSHIFT: return "OP_LSHIFT";
    case SATO_OP_RSHIFT: return "OP_RSHIFT";
    case SATO_OP_BOOLAND: return "OP_BOOLAND";
    case SATO_OP_BOOLOR: return "OP_BOOLOR";
    case SATO_OP_NUMEQUAL: return "OP_NUMEQUAL";
    case SATO_OP_NUMEQUALVERIFY: return "OP_NUMEQUALVERIFY";
    case SATO_OP_NUMNOTEQUAL: return "OP_NUMNOTEQUAL";
    case SATO_OP_LESSTHAN: return "OP_LESSTHAN";
    case SATO_OP_GREATERTHAN: return "OP_GREATERTHAN";
    case SATO_OP_LESSTHANOREQUAL: return "OP_LESSTHANOREQUAL";
    case SATO_OP_GREATERTHANOREQUAL: return "OP_GREATERTHANOREQUAL";
    case SATO_OP_MIN: return "OP_MIN";
    case SATO_OP_MAX: return "OP_MAX";
    case SATO_OP_WITHIN: return "OP_WITHIN";
    case SATO_OP_RIPEMD160: return "OP_RIPEMD160";
    case SATO_OP_SHA1: return "OP_SHA1";
    case SATO_OP_SHA256: return "OP_SHA256";
    case SATO_OP_HASH160: return "OP_HASH160";
    case SATO_OP_HASH256: return "OP_HASH256";
    case SATO_OP_CODESEPARATOR: return "OP_CODESEPARATOR";
    case SATO_OP_CHECKSIG: return "OP_CHECKSIG";
    case SATO_OP_CHECKSIGVERIFY: return "OP_CHECKSIGVERIFY";
    case SATO_OP_CHECKMULTISIG: return "OP_CHECKMULTISIG";
    case SATO_OP_CHECKMULTISIGVERIFY: return "OP_CHECKMULTISIGVERIFY";
    case SATO_OP_NOP1: return "OP_NOP1";
    case SATO_OP_CHECKLOCKTIMEVERIFY: return "OP_CHECKLOCKTIMEVERIFY";
    case SATO_OP_CHECKSEQUENCEVERIFY: return "OP_CHECKSEQUENCEVERIFY";
    case SATO_OP_NOP4: return "OP_NOP4";
    case SATO_OP_NOP5: return "OP_NOP5";
    case SATO_OP_NOP6: return "OP_NOP6";
    case SATO_OP_NOP7: return "OP_NOP7";
    case SATO_OP_NOP8: return "OP_NOP8";
    case SATO_OP_NOP9: return "OP_NOP9";
    case SATO_OP_NOP10: return "OP_NOP10";
    case SATO_OP_CHECKSIGADD: return "OP_CHECKSIGADD";
    case SATO_OP_INVALIDOPCODE: return "OP_INVALIDOPCODE";
    default: return "OP_UNKNOWN";
    }
}

static const char *const flag_names[] = {
    "P2SH", "STRICTENC", "DERSIG", "LOW_S", "NULLDUMMY", "SIGPUSHONLY", "MINIMALDATA",
    "DISCOURAGE_UPGRADABLE_NOPS", "CLEANSTACK", "CHECKLOCKTIMEVERIFY", "CHECKSEQUENCEVERIFY",
    "WITNESS", "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", "MINIMALIF", "NULLFAIL",
    "WITNESS_PUBKEYTYPE", "CONST_SCRIPTCODE", "TAPROOT", "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION",
    "DISCOURAGE_OP_SUCCESS", "DISCOURAGE_UPGRADABLE_PUBKEYTYPE"};

unsigned int sato_script_flag_from_name(const char *name, int *ok) {
    size_t i;
    *ok = 1;
    if (strcmp(name, "NONE") == 0 || name[0] == '\0') return SATO_SCRIPT_VERIFY_NONE;
    for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
        if (strcmp(name, flag_names[i]) == 0) return 1u << i;
    }
    *ok = 0;
    return 0;
}

const char *sato_script_flag_name(unsigned int single_flag) {
    size_t i;
    for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
        if (single_flag == 1u << i) return flag_names[i];
    }
    return "UNKNOWN";
}

/* Indexed by sato_script_error_t: vector name, then description. */
static const char *const error_text[SATO_SCRIPT_ERR_ERROR_COUNT][2] = {
    {"OK", "No error"},
    {"UNKNOWN_ERROR", "unknown error"},
    {"EVAL_FALSE", "Script evaluated without error but finished with a false/empty top stack element"},
    {"OP_RETURN", "OP_RETURN was encountered"},
    {"SCRIPTNUM", "Script number overflowed or was not minimally encoded"},
    {"SCRIPT_SIZE", "Script is too big"},
    {"PUSH_SIZE", "Push value size limit exceeded"},
    {"OP_COUNT", "Operation limit exceeded"},
    {"STACK_SIZE", "Stack size limit exceeded"},
    {"SIG_COUNT", "Signature count negative or greater than pubkey count"},
    {"PUBKEY_COUNT", "Pubkey count negative or limit exceeded"},
    {"VERIFY", "Script failed an OP_VERIFY operation"},
    {"EQUALVERIFY", "Script failed an OP_EQUALVERIFY operation"},
    {"CHECKMULTISIGVERIFY", "Script failed an OP_CHECKMULTISIGVERIFY operation"},
    {"CHECKSIGVERIFY", "Script failed an OP_CHECKSIGVERIFY operation"},
    {"NUMEQUALVERIFY", "Script failed an OP_NUMEQUALVERIFY operation"},
    {"BAD_OPCODE", "Opcode missing or not understood"},
    {"DISABLED_OPCODE", "Attempted to use a disabled opcode"},
    {"INVALID_STACK_OPERATION", "Operation not valid with the current stack size"},
    {"INVALID_ALTSTACK_OPERATION", "Operation not valid with the current altstack size"},
    {"UNBALANCED_CONDITIONAL", "Invalid OP_IF construction"},
    {"NEGATIVE_LOCKTIME", "Negative locktime"},
    {"UNSATISFIED_LOCKTIME", "Locktime requirement not satisfied"},
    {"SIG_HASHTYPE", "Signature hash type missing or not understood"},
    {"SIG_DER", "Non-canonical DER signature"},
    {"MINIMALDATA", "Data push larger than necessary"},
    {"SIG_PUSHONLY", "Only push operators allowed in signatures"},
    {"SIG_HIGH_S", "Non-canonical signature: S value is unnecessarily high"},
    {"SIG_NULLDUMMY", "Dummy CHECKMULTISIG argument must be zero"},
    {"PUBKEYTYPE", "Public key is neither compressed or uncompressed"},
    {"CLEANSTACK", "Stack size must be exactly one after execution"},
    {"MINIMALIF", "OP_IF/NOTIF argument must be minimal"},
    {"NULLFAIL", "Signature must be zero for failed CHECK(MULTI)SIG operation"},
    {"DISCOURAGE_UPGRADABLE_NOPS", "NOPx reserved for soft-fork upgrades"},
    {"DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", "Witness version reserved for soft-fork upgrades"},
    {"DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", "Taproot version reserved for soft-fork upgrades"},
    {"DISCOURAGE_OP_SUCCESS", "OP_SUCCESSx reserved for soft-fork upgrades"},
    {"DISCOURAGE_UPGRADABLE_PUBKEYTYPE", "Public key version reserved for soft-fork upgrades"},
    {"WITNESS_PROGRAM_WRONG_LENGTH", "Witness program has incorrect length"},
    {"WITNESS_PROGRAM_WITNESS_EMPTY", "Witness program was passed an empty witness"},
    {"WITNESS_PROGRAM_MISMATCH", "Witness program hash mismatch"},
    {"WITNESS_MALLEATED", "Witness requires empty scriptSig"},
    {"WITNESS_MALLEATED_P2SH", "Witness requires only-redeemscript scriptSig"},
    {"WITNESS_UNEXPECTED", "Witness provided for non-witness script"},
    {"WITNESS_PUBKEYTYPE", "Using non-compressed keys in segwit"},
    {"SCHNORR_SIG_SIZE", "Invalid Schnorr signature size"},
    {"SCHNORR_SIG_HASHTYPE", "Invalid Schnorr signature hash type"},
    {"SCHNORR_SIG", "Invalid Schnorr signature"},
    {"TAPROOT_WRONG_CONTROL_SIZE", "Invalid Taproot control block size"},
    {"TAPSCRIPT_VALIDATION_WEIGHT", "Too much signature validation relative to witness weight"},
    {"TAPSCRIPT_CHECKMULTISIG", "OP_CHECKMULTISIG(VERIFY) is not available in tapscript"},
    {"TAPSCRIPT_MINIMALIF", "OP_IF/NOTIF argument must be minimal in tapscript"},
    {"TAPSCRIPT_EMPTY_PUBKEY", "Empty public key in tapscript"},
    {"OP_CODESEPARATOR", "Using OP_CODESEPARATOR in non-witness script"},
    {"SIG_FINDANDDELETE", "Signature is found in scriptCode"},
};

const char *sato_script_error_name(sato_script_error_t err) {
    if ((unsigned)err >= SATO_SCRIPT_ERR_ERROR_COUNT) return "UNKNOWN_ERROR";
    return error_text[err][0];
}

const char *sato_script_error_string(sato_script_error_t err) {
    if ((unsigned)err >= SATO_SCRIPT_ERR_ERROR_COUNT) return "unknown error";
    return error_text[err][1];
}
