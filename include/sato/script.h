#ifndef SATO_SCRIPT_H
#define SATO_SCRIPT_H

/* Bitcoin script: opcodes, verification flags, error codes, the
 * interpreter entry point and the signature-checker interface through
 * which it reaches the transaction. Names and numeric values follow
 * Bitcoin Core so that test vectors and logs read the same. */

#include <stddef.h>
#include <stdint.h>

#include "sato/tx.h"

/* ---- Limits (consensus) ---- */
#define SATO_MAX_SCRIPT_ELEMENT_SIZE 520
#define SATO_MAX_OPS_PER_SCRIPT 201
#define SATO_MAX_PUBKEYS_PER_MULTISIG 20
#define SATO_MAX_SCRIPT_SIZE 10000
#define SATO_MAX_STACK_SIZE 1000
/* Below this a locktime is a block height, at or above a UNIX time. */
#define SATO_LOCKTIME_THRESHOLD 500000000u
#define SATO_VALIDATION_WEIGHT_PER_SIGOP_PASSED 50
#define SATO_VALIDATION_WEIGHT_OFFSET 50
#define SATO_ANNEX_TAG 0x50
#define SATO_TAPROOT_LEAF_MASK 0xfe
#define SATO_TAPROOT_LEAF_TAPSCRIPT 0xc0
#define SATO_TAPROOT_CONTROL_BASE_SIZE 33
#define SATO_TAPROOT_CONTROL_NODE_SIZE 32
#define SATO_TAPROOT_CONTROL_MAX_NODE_COUNT 128
#define SATO_TAPROOT_CONTROL_MAX_SIZE \
    (SATO_TAPROOT_CONTROL_BASE_SIZE + SATO_TAPROOT_CONTROL_NODE_SIZE * SATO_TAPROOT_CONTROL_MAX_NODE_COUNT)
#define SATO_WITNESS_V0_KEYHASH_SIZE 20
#define SATO_WITNESS_V0_SCRIPTHASH_SIZE 32
#define SATO_WITNESS_V1_TAPROOT_SIZE 32

/* Signature hash types. */
#define SATO_SIGHASH_DEFAULT 0x00
#define SATO_SIGHASH_ALL 0x01
#define SATO_SIGHASH_NONE 0x02
#define SATO_SIGHASH_SINGLE 0x03
#define SATO_SIGHASH_ANYONECANPAY 0x80
#define SATO_SIGHASH_OUTPUT_MASK 0x03
#define SATO_SIGHASH_INPUT_MASK 0x80

/* ---- Opcodes ---- */
typedef enum {
    SATO_OP_0 = 0x00,
    SATO_OP_FALSE = SATO_OP_0,
    SATO_OP_PUSHDATA1 = 0x4c,
    SATO_OP_PUSHDATA2 = 0x4d,
    SATO_OP_PUSHDATA4 = 0x4e,
    SATO_OP_1NEGATE = 0x4f,
    SATO_OP_RESERVED = 0x50,
    SATO_OP_1 = 0x51,
    SATO_OP_TRUE = SATO_OP_1,
    SATO_OP_2 = 0x52,
    SATO_OP_3 = 0x53,
    SATO_OP_4 = 0x54,
    SATO_OP_5 = 0x55,
    SATO_OP_6 = 0x56,
    SATO_OP_7 = 0x57,
    SATO_OP_8 = 0x58,
    SATO_OP_9 = 0x59,
    SATO_OP_10 = 0x5a,
    SATO_OP_11 = 0x5b,
    SATO_OP_12 = 0x5c,
    SATO_OP_13 = 0x5d,
    SATO_OP_14 = 0x5e,
    SATO_OP_15 = 0x5f,
    SATO_OP_16 = 0x60,

    /* control */
    SATO_OP_NOP = 0x61,
    SATO_OP_VER = 0x62,
    SATO_OP_IF = 0x63,
    SATO_OP_NOTIF = 0x64,
    SATO_OP_VERIF = 0x65,
    SATO_OP_VERNOTIF = 0x66,
    SATO_OP_ELSE = 0x67,
    SATO_OP_ENDIF = 0x68,
    SATO_OP_VERIFY = 0x69,
    SATO_OP_RETURN = 0x6a,

    /* stack */
    SATO_OP_TOALTSTACK = 0x6b,
    SATO_OP_FROMALTSTACK = 0x6c,
    SATO_OP_2DROP = 0x6d,
    SATO_OP_2DUP = 0x6e,
    SATO_OP_3DUP = 0x6f,
    SATO_OP_2OVER = 0x70,
    SATO_OP_2ROT = 0x71,
    SATO_OP_2SWAP = 0x72,
    SATO_OP_IFDUP = 0x73,
    SATO_OP_DEPTH = 0x74,
    SATO_OP_DROP = 0x75,
    SATO_OP_DUP = 0x76,
    SATO_OP_NIP = 0x77,
    SATO_OP_OVER = 0x78,
    SATO_OP_PICK = 0x79,
    SATO_OP_ROLL = 0x7a,
    SATO_OP_ROT = 0x7b,
    SATO_OP_SWAP = 0x7c,
    SATO_OP_TUCK = 0x7d,

    /* splice */
    SATO_OP_CAT = 0x7e,
    SATO_OP_SUBSTR = 0x7f,
    SATO_OP_LEFT = 0x80,
    SATO_OP_RIGHT = 0x81,
    SATO_OP_SIZE = 0x82,

    /* bit logic */
    SATO_OP_INVERT = 0x83,
    SATO_OP_AND = 0x84,
    SATO_OP_OR = 0x85,
    SATO_OP_XOR = 0x86,
    SATO_OP_EQUAL = 0x87,
    SATO_OP_EQUALVERIFY = 0x88,
    SATO_OP_RESERVED1 = 0x89,
    SATO_OP_RESERVED2 = 0x8a,

    /* numeric */
    SATO_OP_1ADD = 0x8b,
    SATO_OP_1SUB = 0x8c,
    SATO_OP_2MUL = 0x8d,
    SATO_OP_2DIV = 0x8e,
    SATO_OP_NEGATE = 0x8f,
    SATO_OP_ABS = 0x90,
    SATO_OP_NOT = 0x91,
    SATO_OP_0NOTEQUAL = 0x92,
    SATO_OP_ADD = 0x93,
    SATO_OP_SUB = 0x94,
    SATO_OP_MUL = 0x95,
    SATO_OP_DIV = 0x96,
    SATO_OP_MOD = 0x97,
    SATO_OP_LSHIFT = 0x98,
    SATO_OP_RSHIFT = 0x99,
    SATO_OP_BOOLAND = 0x9a,
    SATO_OP_BOOLOR = 0x9b,
    SATO_OP_NUMEQUAL = 0x9c,
    SATO_OP_NUMEQUALVERIFY = 0x9d,
    SATO_OP_NUMNOTEQUAL = 0x9e,
    SATO_OP_LESSTHAN = 0x9f,
    SATO_OP_GREATERTHAN = 0xa0,
    SATO_OP_LESSTHANOREQUAL = 0xa1,
    SATO_OP_GREATERTHANOREQUAL = 0xa2,
    SATO_OP_MIN = 0xa3,
    SATO_OP_MAX = 0xa4,
    SATO_OP_WITHIN = 0xa5,

    /* crypto */
    SATO_OP_RIPEMD160 = 0xa6,
    SATO_OP_SHA1 = 0xa7,
    SATO_OP_SHA256 = 0xa8,
    SATO_OP_HASH160 = 0xa9,
    SATO_OP_HASH256 = 0xaa,
    SATO_OP_CODESEPARATOR = 0xab,
    SATO_OP_CHECKSIG = 0xac,
    SATO_OP_CHECKSIGVERIFY = 0xad,
    SATO_OP_CHECKMULTISIG = 0xae,
    SATO_OP_CHECKMULTISIGVERIFY = 0xaf,

    /* expansion */
    SATO_OP_NOP1 = 0xb0,
    SATO_OP_CHECKLOCKTIMEVERIFY = 0xb1,
    SATO_OP_NOP2 = SATO_OP_CHECKLOCKTIMEVERIFY,
    SATO_OP_CHECKSEQUENCEVERIFY = 0xb2,
    SATO_OP_NOP3 = SATO_OP_CHECKSEQUENCEVERIFY,
    SATO_OP_NOP4 = 0xb3,
    SATO_OP_NOP5 = 0xb4,
    SATO_OP_NOP6 = 0xb5,
    SATO_OP_NOP7 = 0xb6,
    SATO_OP_NOP8 = 0xb7,
    SATO_OP_NOP9 = 0xb8,
    SATO_OP_NOP10 = 0xb9,

    /* tapscript */
    SATO_OP_CHECKSIGADD = 0xba,

    SATO_OP_INVALIDOPCODE = 0xff
} sato_opcode_t;

/* Core's GetOpName: "0", "-1" and "1".."16" for the small-number pushes,
 * "OP_DUP" style for the rest, "OP_UNKNOWN" for unassigned bytes and for
 * the direct pushes 0x01-0x4b. */
const char *sato_opcode_name(int opcode);

/* ---- Verification flags (Bitcoin Core's bit values) ---- */
#define SATO_SCRIPT_VERIFY_NONE 0u
#define SATO_SCRIPT_VERIFY_P2SH (1u << 0)
#define SATO_SCRIPT_VERIFY_STRICTENC (1u << 1)
#define SATO_SCRIPT_VERIFY_DERSIG (1u << 2)
#define SATO_SCRIPT_VERIFY_LOW_S (1u << 3)
#define SATO_SCRIPT_VERIFY_NULLDUMMY (1u << 4)
#define SATO_SCRIPT_VERIFY_SIGPUSHONLY (1u << 5)
#define SATO_SCRIPT_VERIFY_MINIMALDATA (1u << 6)
#define SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS (1u << 7)
#define SATO_SCRIPT_VERIFY_CLEANSTACK (1u << 8)
#define SATO_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY (1u << 9)
#define SATO_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY (1u << 10)
#define SATO_SCRIPT_VERIFY_WITNESS (1u << 11)
#define SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM (1u << 12)
#define SATO_SCRIPT_VERIFY_MINIMALIF (1u << 13)
#define SATO_SCRIPT_VERIFY_NULLFAIL (1u << 14)
#define SATO_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE (1u << 15)
#define SATO_SCRIPT_VERIFY_CONST_SCRIPTCODE (1u << 16)
#define SATO_SCRIPT_VERIFY_TAPROOT (1u << 17)
#define SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION (1u << 18)
#define SATO_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS (1u << 19)
#define SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE (1u << 20)
#define SATO_SCRIPT_VERIFY_ALL ((1u << 21) - 1)

/* Parses a flag name without the SCRIPT_VERIFY_ prefix ("P2SH"); 0 if
 * unknown. "NONE" gives SATO_SCRIPT_VERIFY_NONE with *ok set. */
unsigned int sato_script_flag_from_name(const char *name, int *ok);
const char *sato_script_flag_name(unsigned int single_flag);

/* ---- Errors: Bitcoin Core's ScriptError, same order ---- */
typedef enum {
    SATO_SCRIPT_ERR_OK = 0,
    SATO_SCRIPT_ERR_UNKNOWN_ERROR,
    SATO_SCRIPT_ERR_EVAL_FALSE,
    SATO_SCRIPT_ERR_OP_RETURN,
    SATO_SCRIPT_ERR_SCRIPTNUM,

    /* Max sizes */
    SATO_SCRIPT_ERR_SCRIPT_SIZE,
    SATO_SCRIPT_ERR_PUSH_SIZE,
    SATO_SCRIPT_ERR_OP_COUNT,
    SATO_SCRIPT_ERR_STACK_SIZE,
    SATO_SCRIPT_ERR_SIG_COUNT,
    SATO_SCRIPT_ERR_PUBKEY_COUNT,

    /* Failed verify operations */
    SATO_SCRIPT_ERR_VERIFY,
    SATO_SCRIPT_ERR_EQUALVERIFY,
    SATO_SCRIPT_ERR_CHECKMULTISIGVERIFY,
    SATO_SCRIPT_ERR_CHECKSIGVERIFY,
    SATO_SCRIPT_ERR_NUMEQUALVERIFY,

    /* Logical, format and canonical errors */
    SATO_SCRIPT_ERR_BAD_OPCODE,
    SATO_SCRIPT_ERR_DISABLED_OPCODE,
    SATO_SCRIPT_ERR_INVALID_STACK_OPERATION,
    SATO_SCRIPT_ERR_INVALID_ALTSTACK_OPERATION,
    SATO_SCRIPT_ERR_UNBALANCED_CONDITIONAL,

    /* CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY */
    SATO_SCRIPT_ERR_NEGATIVE_LOCKTIME,
    SATO_SCRIPT_ERR_UNSATISFIED_LOCKTIME,

    /* Malleability */
    SATO_SCRIPT_ERR_SIG_HASHTYPE,
    SATO_SCRIPT_ERR_SIG_DER,
    SATO_SCRIPT_ERR_MINIMALDATA,
    SATO_SCRIPT_ERR_SIG_PUSHONLY,
    SATO_SCRIPT_ERR_SIG_HIGH_S,
    SATO_SCRIPT_ERR_SIG_NULLDUMMY,
    SATO_SCRIPT_ERR_PUBKEYTYPE,
    SATO_SCRIPT_ERR_CLEANSTACK,
    SATO_SCRIPT_ERR_MINIMALIF,
    SATO_SCRIPT_ERR_SIG_NULLFAIL,

    /* Soft-fork safeness */
    SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_NOPS,
    SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM,
    SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION,
    SATO_SCRIPT_ERR_DISCOURAGE_OP_SUCCESS,
    SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE,

    /* Segregated witness */
    SATO_SCRIPT_ERR_WITNESS_PROGRAM_WRONG_LENGTH,
    SATO_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY,
    SATO_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH,
    SATO_SCRIPT_ERR_WITNESS_MALLEATED,
    SATO_SCRIPT_ERR_WITNESS_MALLEATED_P2SH,
    SATO_SCRIPT_ERR_WITNESS_UNEXPECTED,
    SATO_SCRIPT_ERR_WITNESS_PUBKEYTYPE,

    /* Taproot */
    SATO_SCRIPT_ERR_SCHNORR_SIG_SIZE,
    SATO_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE,
    SATO_SCRIPT_ERR_SCHNORR_SIG,
    SATO_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE,
    SATO_SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT,
    SATO_SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG,
    SATO_SCRIPT_ERR_TAPSCRIPT_MINIMALIF,
    SATO_SCRIPT_ERR_TAPSCRIPT_EMPTY_PUBKEY,

    /* Constant scriptCode */
    SATO_SCRIPT_ERR_OP_CODESEPARATOR,
    SATO_SCRIPT_ERR_SIG_FINDANDDELETE,

    SATO_SCRIPT_ERR_ERROR_COUNT
} sato_script_error_t;

/* The name used in Bitcoin Core's test vectors: "OK", "EVAL_FALSE",
 * "SIG_NULLFAIL" is "NULLFAIL" there, as in Core's FormatScriptError. */
const char *sato_script_error_name(sato_script_error_t err);
/* Core's human-readable ScriptErrorString. */
const char *sato_script_error_string(sato_script_error_t err);

/* ---- Signature checking interface ---- */
typedef enum {
    SATO_SIGVERSION_BASE = 0,
    SATO_SIGVERSION_WITNESS_V0 = 1,
    SATO_SIGVERSION_TAPROOT = 2,
    SATO_SIGVERSION_TAPSCRIPT = 3
} sato_sigversion_t;

/* What taproot signature hashing needs from script execution (Core's
 * ScriptExecutionData). */
typedef struct {
    int tapleaf_hash_init;
    unsigned char tapleaf_hash[32];
    int codesep_pos_init;
    uint32_t codesep_pos; /* 0xffffffff when none executed */
    int annex_init;
    int annex_present;
    unsigned char annex_hash[32]; /* SHA-256 of CompactSize(len) || annex */
    int weight_left_init;
    int64_t weight_left;
} sato_execdata_t;

/* The transaction-facing checks the interpreter delegates (Core's
 * BaseSignatureChecker). Every callback must be safe to call from many
 * threads at once when the checker's ctx is not shared. */
typedef struct {
    /* sig includes the hash-type byte; returns 1 if valid. */
    int (*check_ecdsa)(void *ctx, const unsigned char *sig, size_t siglen,
                       const unsigned char *pubkey, size_t pubkeylen,
                       const unsigned char *script_code, size_t script_code_len,
                       sato_sigversion_t sigversion);
    /* sig is any length (the checker enforces 64/65); sets *err to
     * SCHNORR_SIG_SIZE / SCHNORR_SIG_HASHTYPE / SCHNORR_SIG on failure. */
    int (*check_schnorr)(void *ctx, const unsigned char *sig, size_t siglen,
                         const unsigned char pubkey32[32], sato_sigversion_t sigversion,
                         const sato_execdata_t *execdata, sato_script_error_t *err);
    int (*check_locktime)(void *ctx, int64_t locktime); /* BIP65 rules against the tx */
    int (*check_sequence)(void *ctx, int64_t sequence); /* BIP112 rules against the tx */
    void *ctx;
} sato_sigchecker_t;

/* ---- Interpreter ---- */

/* A stack of byte strings (Core's std::vector<valtype>), bounded by the
 * caller's limits: every push is checked before memory grows. */
typedef struct {
    sato_bytes_t *items;
    size_t len;
    size_t cap;
} sato_stack_t;

void sato_stack_init(sato_stack_t *s);
void sato_stack_clear(sato_stack_t *s);
void sato_stack_push(sato_stack_t *s, const unsigned char *data, size_t len);

/* Executes one script on stack (Core's EvalScript). checker may have
 * NULL callbacks, which fail every check. execdata may be NULL for
 * BASE and WITNESS_V0. Returns 1 on success; on failure *err says why. */
int sato_script_eval(sato_stack_t *stack, const unsigned char *script, size_t script_len,
                     unsigned int flags, const sato_sigchecker_t *checker,
                     sato_sigversion_t sigversion, sato_execdata_t *execdata,
                     sato_script_error_t *err);

/* Verifies scriptSig + scriptPubKey (+ witness) of one input (Core's
 * VerifyScript). Pure and re-entrant: it reads only its arguments and
 * libsecp256k1's static context. err may be NULL; checker may be NULL
 * (every signature and lock-time check then fails). Unlike Core, flag
 * combinations Core asserts against (WITNESS without P2SH, CLEANSTACK
 * without WITNESS) are not an error: each flag simply applies. */
int sato_script_verify(const unsigned char *script_sig, size_t script_sig_len,
                       const unsigned char *script_pubkey, size_t script_pubkey_len,
                       const sato_bytes_t *witness, size_t witness_len,
                       unsigned int flags, const sato_sigchecker_t *checker,
                       sato_script_error_t *err);

/* Signature and pubkey encoding checks done before the checker is asked
 * (Core's CheckSignatureEncoding / IsValidSignatureEncoding). */
int sato_script_check_signature_encoding(const unsigned char *sig, size_t siglen,
                                         unsigned int flags, sato_script_error_t *err);
int sato_script_is_valid_signature_encoding(const unsigned char *sig, size_t siglen);
int sato_script_is_low_der_signature(const unsigned char *sig, size_t siglen);

/* BIP341 hashes. tapleaf: TaggedHash("TapLeaf", version || compact(len) || script). */
void sato_taproot_leaf_hash(unsigned char out32[32], unsigned char leaf_version,
                            const unsigned char *script, size_t script_len);
void sato_taproot_branch_hash(unsigned char out32[32], const unsigned char a32[32],
                              const unsigned char b32[32]);
/* Merkle root from a control block of valid length and a leaf hash. */
void sato_taproot_merkle_root(unsigned char out32[32], const unsigned char *control,
                              size_t control_len, const unsigned char leaf32[32]);

/* ---- Script numbers (Core's CScriptNum) ---- */

/* Decodes a stack element as a number of at most max_len bytes (4 for
 * arithmetic, 5 for CLTV/CSV); with require_minimal the encoding must be
 * the shortest. Returns 0 where Core's CScriptNum throws (the interpreter
 * then fails with SATO_SCRIPT_ERR_SCRIPTNUM). */
int sato_scriptnum_decode(int64_t *out, const unsigned char *data, size_t len,
                          int require_minimal, size_t max_len);
/* Minimal little-endian sign-magnitude encoding; out needs 9 bytes.
 * Returns the length (0 for zero). */
size_t sato_scriptnum_encode(unsigned char out[9], int64_t value);

/* ---- Script parsing and analysis (script.c) ---- */

/* Reads the opcode at *pos and, for pushes, the data it pushes (data and
 * data_len may be NULL). Returns 0 at the end of the script or at a
 * truncated push (Core's GetScriptOp); *pos is then the script length. */
int sato_script_get_op(const unsigned char *script, size_t len, size_t *pos,
                       int *opcode, const unsigned char **data, size_t *data_len);

/* 1 if no shorter opcode pushes the same bytes (BIP62 rule 3, Core's
 * CheckMinimalPush). */
int sato_script_check_minimal_push(const unsigned char *data, size_t len, int opcode);
/* OP_0..OP_16 value of a small-int opcode. */
int sato_script_decode_op_n(int opcode);
int sato_script_is_push_only(const unsigned char *script, size_t len);
int sato_script_is_p2sh(const unsigned char *script, size_t len);
int sato_script_is_p2wsh(const unsigned char *script, size_t len);
/* A witness program: version (0..16) and program (2..40 bytes). */
int sato_script_is_witness_program(const unsigned char *script, size_t len, int *version,
                                   const unsigned char **program, size_t *program_len);
/* Provably unspendable: starts with OP_RETURN or longer than the limit. */
int sato_script_is_unspendable(const unsigned char *script, size_t len);
/* Pay-to-anchor (BIP: OP_1 <0x4e73>). */
int sato_script_is_pay_to_anchor(const unsigned char *script, size_t len);
int sato_script_has_valid_ops(const unsigned char *script, size_t len);

/* Legacy sigop count (Core's GetSigOpCount(fAccurate)). */
unsigned int sato_script_sigop_count(const unsigned char *script, size_t len, int accurate);
/* P2SH sigops: counted in the redeem script (last push of script_sig)
 * when script_pubkey is P2SH, else the legacy count of script_pubkey. */
unsigned int sato_script_p2sh_sigop_count(const unsigned char *script_pubkey, size_t spk_len,
                                          const unsigned char *script_sig, size_t sig_len);
/* Witness sigops of one input (Core's CountWitnessSigOps). */
size_t sato_script_witness_sigop_count(const unsigned char *script_sig, size_t sig_len,
                                       const unsigned char *script_pubkey, size_t spk_len,
                                       const sato_bytes_t *witness, size_t witness_len,
                                       unsigned int flags);

/* Removes every occurrence of pattern that starts at an opcode boundary
 * (Core's FindAndDelete; a match may span several opcodes), compacting
 * script in place and updating *script_len. Returns the number removed. */
size_t sato_script_find_and_delete(unsigned char *script, size_t *script_len,
                                   const unsigned char *pattern, size_t pattern_len);

/* Standard output types (Core's TxoutType / Solver). */
typedef enum {
    SATO_TXOUT_NONSTANDARD = 0,
    SATO_TXOUT_ANCHOR,
    SATO_TXOUT_PUBKEY,
    SATO_TXOUT_PUBKEYHASH,
    SATO_TXOUT_SCRIPTHASH,
    SATO_TXOUT_MULTISIG,
    SATO_TXOUT_NULL_DATA,
    SATO_TXOUT_WITNESS_V0_SCRIPTHASH,
    SATO_TXOUT_WITNESS_V0_KEYHASH,
    SATO_TXOUT_WITNESS_V1_TAPROOT,
    SATO_TXOUT_WITNESS_UNKNOWN
} sato_txout_type_t;

/* What Solver returns beside the type: up to 20 pubkeys for multisig
 * (pointers into the script), or one hash/program/pubkey. */
typedef struct {
    sato_txout_type_t type;
    int required;               /* multisig m */
    size_t nsolutions;          /* entries in sol */
    const unsigned char *sol[SATO_MAX_PUBKEYS_PER_MULTISIG + 2];
    size_t sol_len[SATO_MAX_PUBKEYS_PER_MULTISIG + 2];
    int witness_version;        /* for WITNESS_UNKNOWN */
} sato_script_solution_t;

sato_txout_type_t sato_script_solve(sato_script_solution_t *out, const unsigned char *script,
                                    size_t len);
/* Core's GetTxnOutputType names: "nonstandard", "pubkeyhash", ... */
const char *sato_txout_type_name(sato_txout_type_t type);

#endif
