/* Relay policy as Bitcoin Core 31 defines it (see policy.h). */
#include <string.h>

#include "sato/amount.h"
#include "sato/policy.h"
#include "sato/tx_check.h"

void sato_policy_init(sato_policy_t *p) {
    p->max_datacarrier_bytes = SATO_POLICY_MAX_DATACARRIER_BYTES;
    p->permit_bare_multisig = 1;
    p->dust_relay_fee = SATO_POLICY_DUST_RELAY_FEE;
    p->min_relay_fee = SATO_POLICY_MIN_RELAY_FEE;
}

int64_t sato_policy_fee(int64_t rate_per_kvb, int64_t vsize) {
    if (rate_per_kvb <= 0 || vsize <= 0) return 0;
    /* Rates and sizes here are far below 2^31: no overflow. */
    return (rate_per_kvb * vsize + 999) / 1000;
}

int64_t sato_policy_feerate(int64_t fee, int64_t vsize) {
    if (vsize <= 0) return 0;
    if (fee >= 0) return fee * 1000 / vsize;
    return -((-fee * 1000 + vsize - 1) / vsize); /* rounds toward minus infinity, as Core's */
}

int64_t sato_policy_vsize(int64_t weight, int64_t sigop_cost, unsigned bytes_per_sigop) {
    int64_t adjusted = sigop_cost * (int64_t)bytes_per_sigop;
    if (adjusted < weight) adjusted = weight;
    return (adjusted + SATO_WITNESS_SCALE_FACTOR - 1) / SATO_WITNESS_SCALE_FACTOR;
}

static size_t compact_size_len(size_t n) {
    return n < 253 ? 1 : n <= 0xffff ? 3 : n <= 0xffffffffu ? 5 : 9;
}

int64_t sato_policy_dust_threshold(const sato_txout_t *out, int64_t dust_fee) {
    const sato_bytes_t *s = &out->script_pubkey;
    int version;
    const unsigned char *prog;
    size_t prog_len;
    int64_t size;
    if (sato_script_is_unspendable(s->data, s->len)) return 0;
    size = 8 + (int64_t)compact_size_len(s->len) + (int64_t)s->len;
    /* The input that spends it: outpoint, script length, sequence, and a
     * 107-byte signature and key, discounted for a witness program. */
    if (sato_script_is_witness_program(s->data, s->len, &version, &prog, &prog_len))
        size += 32 + 4 + 1 + 107 / SATO_WITNESS_SCALE_FACTOR + 4;
    else
        size += 32 + 4 + 1 + 107 + 4;
    return sato_policy_fee(dust_fee, size);
}

int sato_policy_is_dust(const sato_txout_t *out, int64_t dust_fee) {
    return out->value < sato_policy_dust_threshold(out, dust_fee);
}

size_t sato_policy_dust_count(const sato_tx_t *tx, int64_t dust_fee) {
    size_t i, n = 0;
    for (i = 0; i < tx->vout_len; i++) n += sato_policy_is_dust(&tx->vout[i], dust_fee);
    return n;
}

int sato_policy_is_standard_script(const unsigned char *spk, size_t len, sato_txout_type_t *type) {
    sato_script_solution_t sol;
    *type = sato_script_solve(&sol, spk, len);
    if (*type == SATO_TXOUT_NONSTANDARD) return 0;
    if (*type == SATO_TXOUT_MULTISIG) {
        /* Up to x-of-3 bare multisig. */
        int n = (int)sol.nsolutions, m = sol.required;
        if (n < 1 || n > 3 || m < 1 || m > n) return 0;
    }
    return 1;
}

int sato_policy_is_standard_tx(const sato_policy_t *p, const sato_tx_t *tx, const char **reason) {
    size_t i;
    int64_t carrier_left = p->max_datacarrier_bytes < 0 ? 0 : p->max_datacarrier_bytes;
    const char *why = NULL;
    if (tx->version < SATO_POLICY_TX_MIN_STANDARD_VERSION || tx->version > SATO_POLICY_TX_MAX_STANDARD_VERSION) {
        why = "version";
        goto out;
    }
    /* Signature hashing is quadratic in inputs times size: cap the weight. */
    if (sato_tx_weight(tx) > SATO_POLICY_MAX_STANDARD_TX_WEIGHT) {
        why = "tx-size";
        goto out;
    }
    for (i = 0; i < tx->vin_len; i++) {
        const sato_bytes_t *ss = &tx->vin[i].script_sig;
        if (ss->len > SATO_POLICY_MAX_STANDARD_SCRIPTSIG_SIZE) {
            why = "scriptsig-size";
            goto out;
        }
        if (!sato_script_is_push_only(ss->data, ss->len)) {
            why = "scriptsig-not-pushonly";
            goto out;
        }
    }
    for (i = 0; i < tx->vout_len; i++) {
        const sato_bytes_t *spk = &tx->vout[i].script_pubkey;
        sato_txout_type_t type;
        if (!sato_policy_is_standard_script(spk->data, spk->len, &type)) {
            why = "scriptpubkey";
            goto out;
        }
        if (type == SATO_TXOUT_NULL_DATA) {
            if ((int64_t)spk->len > carrier_left) {
                why = "datacarrier";
                goto out;
            }
            carrier_left -= (int64_t)spk->len;
        } else if (type == SATO_TXOUT_MULTISIG && !p->permit_bare_multisig) {
            why = "bare-multisig";
            goto out;
        }
    }
    /* One dust output may pass here: ephemeral dust, checked later for a
     * zero fee and a child that spends it. */
    if (sato_policy_dust_count(tx, p->dust_relay_fee) > SATO_POLICY_MAX_DUST_OUTPUTS_PER_TX) why = "dust";
out:
    if (reason) *reason = why;
    return why == NULL;
}

/* The stack a push-only scriptSig leaves (Core's EvalScript with no
 * flags and no checker); 0 with *err if it fails. */
static int eval_script_sig(sato_stack_t *stack, const sato_bytes_t *ss, sato_script_error_t *err) {
    sato_sigchecker_t none;
    memset(&none, 0, sizeof(none));
    return sato_script_eval(stack, ss->data, ss->len, SATO_SCRIPT_VERIFY_NONE, &none, SATO_SIGVERSION_BASE, NULL,
                            err);
}

/* BIP54: legacy sigops the inputs execute, spent scripts included. */
static int legacy_sigops_ok(const sato_tx_t *tx, const sato_coin_t *const *coins) {
    unsigned long sigops = 0;
    size_t i;
    for (i = 0; i < tx->vin_len; i++) {
        const sato_bytes_t *ss = &tx->vin[i].script_sig, *spk = &coins[i]->out.script_pubkey;
        sigops += sato_script_sigop_count(ss->data, ss->len, 1);
        sigops += sato_script_p2sh_sigop_count(spk->data, spk->len, ss->data, ss->len);
        if (sigops > SATO_POLICY_MAX_TX_LEGACY_SIGOPS) return 0;
    }
    return 1;
}

int sato_policy_inputs_standard(sato_tx_state_t *st, const sato_tx_t *tx, const sato_coin_t *const *coins) {
    size_t i;
    if (sato_tx_is_coinbase(tx)) return 1;
    if (!legacy_sigops_ok(tx, coins))
        return sato_validation_invalid(st, SATO_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs",
                                       "non-witness sigops exceed bip54 limit");
    for (i = 0; i < tx->vin_len; i++) {
        const sato_bytes_t *spk = &coins[i]->out.script_pubkey;
        sato_script_solution_t sol;
        sato_txout_type_t type = sato_script_solve(&sol, spk->data, spk->len);
        if (type == SATO_TXOUT_NONSTANDARD)
            return sato_validation_invalid(st, SATO_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs",
                                           "input %zu script unknown", i);
        if (type == SATO_TXOUT_WITNESS_UNKNOWN)
            return sato_validation_invalid(st, SATO_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs",
                                           "input %zu witness program is undefined", i);
        if (type == SATO_TXOUT_SCRIPTHASH) {
            sato_stack_t stack;
            sato_script_error_t err = SATO_SCRIPT_ERR_OK;
            unsigned sigops;
            sato_stack_init(&stack);
            if (!eval_script_sig(&stack, &tx->vin[i].script_sig, &err)) {
                sato_stack_clear(&stack);
                return sato_validation_invalid(st, SATO_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs",
                                               "p2sh scriptsig malformed (input %zu: %s)", i,
                                               sato_script_error_string(err));
            }
            if (stack.len == 0) {
                sato_stack_clear(&stack);
                return sato_validation_invalid(st, SATO_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs",
                                               "input %zu P2SH redeemscript missing", i);
            }
            sigops = sato_script_sigop_count(stack.items[stack.len - 1].data, stack.items[stack.len - 1].len, 1);
            sato_stack_clear(&stack);
            if (sigops > SATO_POLICY_MAX_P2SH_SIGOPS)
                return sato_validation_invalid(st, SATO_TX_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs",
                                               "p2sh redeemscript sigops exceed limit (input %zu: %u > %u)", i,
                                               sigops, (unsigned)SATO_POLICY_MAX_P2SH_SIGOPS);
        }
    }
    return 1;
}

/* The witness rules of one input whose spent script (after P2SH) is
 * spk; p2sh says whether it was wrapped. */
static int input_witness_standard(const sato_txin_t *in, const unsigned char *spk, size_t spk_len, int p2sh) {
    int version;
    const unsigned char *prog;
    size_t prog_len, i, n = in->witness_len;
    if (!sato_script_is_witness_program(spk, spk_len, &version, &prog, &prog_len)) return 0;
    if (version == 0 && prog_len == SATO_WITNESS_V0_SCRIPTHASH_SIZE) {
        if (in->witness[n - 1].len > SATO_POLICY_MAX_STANDARD_P2WSH_SCRIPT_SIZE) return 0;
        if (n - 1 > SATO_POLICY_MAX_STANDARD_P2WSH_STACK_ITEMS) return 0;
        for (i = 0; i + 1 < n; i++)
            if (in->witness[i].len > SATO_POLICY_MAX_STANDARD_P2WSH_STACK_ITEM_SIZE) return 0;
    }
    if (version == 1 && prog_len == SATO_WITNESS_V1_TAPROOT_SIZE && !p2sh) {
        const sato_bytes_t *last = &in->witness[n - 1];
        /* An annex has no meaning yet: not relayed. */
        if (n >= 2 && last->len > 0 && last->data[0] == SATO_ANNEX_TAG) return 0;
        if (n >= 2) {
            const sato_bytes_t *control = last;
            if (control->len == 0) return 0;
            if ((control->data[0] & SATO_TAPROOT_LEAF_MASK) == SATO_TAPROOT_LEAF_TAPSCRIPT)
                for (i = 0; i + 2 < n; i++)
                    if (in->witness[i].len > SATO_POLICY_MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE) return 0;
        } else if (n == 0) {
            return 0;
        }
    }
    return 1;
}

int sato_policy_witness_standard(const sato_tx_t *tx, const sato_coin_t *const *coins) {
    size_t i;
    if (sato_tx_is_coinbase(tx)) return 1;
    for (i = 0; i < tx->vin_len; i++) {
        const sato_txin_t *in = &tx->vin[i];
        const sato_bytes_t *spk = &coins[i]->out.script_pubkey;
        int ok;
        if (in->witness_len == 0) continue;
        /* Witness stuffing on an anchor. */
        if (sato_script_is_pay_to_anchor(spk->data, spk->len)) return 0;
        if (sato_script_is_p2sh(spk->data, spk->len)) {
            sato_stack_t stack;
            sato_script_error_t err;
            sato_stack_init(&stack);
            if (!eval_script_sig(&stack, &in->script_sig, &err) || stack.len == 0) {
                sato_stack_clear(&stack);
                return 0;
            }
            ok = input_witness_standard(in, stack.items[stack.len - 1].data, stack.items[stack.len - 1].len, 1);
            sato_stack_clear(&stack);
        } else {
            ok = input_witness_standard(in, spk->data, spk->len, 0);
        }
        if (!ok) return 0;
    }
    return 1;
}

int sato_policy_spends_witness_program(const sato_tx_t *tx, const sato_coin_t *const *coins) {
    size_t i;
    if (sato_tx_is_coinbase(tx)) return 0;
    for (i = 0; i < tx->vin_len; i++) {
        const sato_bytes_t *spk = &coins[i]->out.script_pubkey;
        int version;
        const unsigned char *prog;
        size_t prog_len;
        if (sato_script_is_witness_program(spk->data, spk->len, &version, &prog, &prog_len) &&
            !sato_script_is_pay_to_anchor(spk->data, spk->len))
            return 1;
        if (sato_script_is_p2sh(spk->data, spk->len)) {
            sato_stack_t stack;
            sato_script_error_t err;
            int hit = 0;
            sato_stack_init(&stack);
            if (eval_script_sig(&stack, &tx->vin[i].script_sig, &err) && stack.len > 0) {
                const sato_bytes_t *r = &stack.items[stack.len - 1];
                hit = sato_script_is_witness_program(r->data, r->len, &version, &prog, &prog_len);
            }
            sato_stack_clear(&stack);
            if (hit) return 1;
        }
    }
    return 0;
}
