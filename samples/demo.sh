#!/usr/bin/env bash
# make demo: the main job on samples/ with an embedded SQLite ledger in .demo/ (start 2026-12-01).
set -uo pipefail
XJMA="$1"; OUT="$2"
export XJMA_DB="$OUT/xjma.db"
S=2026-12-01
step() { echo; echo "== xjma $*"; }

step plans --on $S
"$XJMA" plans --on $S

step validate samples/roster_mistakes.xlsx --start $S   "(a roster with planted mistakes: exit 1 expected)"
"$XJMA" validate samples/roster_mistakes.xlsx --start $S -o "$OUT/roster_mistakes_检查结果.xlsx"
echo "exit code $? (1 = the roster has errors, as planted)"

step validate samples/roster_clean.xlsx --start $S
"$XJMA" validate samples/roster_clean.xlsx --start $S -o "$OUT/roster_clean_检查结果.xlsx" || exit 1

step enroll samples/roster_clean.xlsx --start $S --paid-on 2026-11-28
"$XJMA" enroll samples/roster_clean.xlsx --start $S --paid-on 2026-11-28 -o "$OUT/roster_clean_参保结果.xlsx" || exit 1

step enroll samples/roster_clean.xlsx "(again: everything already recorded, nothing new)"
"$XJMA" enroll samples/roster_clean.xlsx --start $S --paid-on 2026-11-28 -o "$OUT/roster_clean_参保结果_2.xlsx" || exit 1

step fees summary --month 2026-11
"$XJMA" fees summary --month 2026-11 -o "$OUT/缴费汇总_2026-11.xlsx" || exit 1

step claim calc samples/claims.xlsx --record
"$XJMA" claim calc samples/claims.xlsx --record -o "$OUT/claims_理赔结果.xlsx"
rc=$?; [ $rc -le 1 ] || exit 1

step member show 650104199506020045 "(李秀英: a mild then a severe critical-illness claim, recorded above)"
"$XJMA" member show 650104199506020045 || exit 1

step batch list "(every recording enroll is a numbered batch)"
"$XJMA" batch list || exit 1

step void --id 654002197807280154 --plan inpatient-accident "(叶尔兰·努尔兰 enrolled by mistake: voided, refunded in 2026-12)"
"$XJMA" void --id 654002197807280154 --plan inpatient-accident --reason "登记错误：该职工已调离" \
    --refund-on 2026-12-05 --operator 演示经办人 || exit 1

step member show 654002197807280154 "(the enrollment is listed as 已作废)"
"$XJMA" member show 654002197807280154 || exit 1

step fees summary --month 2026-12 "(the refund is a negative fee in its month)"
"$XJMA" fees summary --month 2026-12 -o "$OUT/缴费汇总_2026-12.xlsx" || exit 1

step log "(who wrote what, when)"
"$XJMA" log || exit 1

echo; echo "Outputs in $OUT/:"; ls -1 "$OUT"
