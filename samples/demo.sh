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

step claim calc samples/claims.xlsx "(the calculator: every step shown, nothing recorded)"
"$XJMA" claim calc samples/claims.xlsx -o "$OUT/claims_理赔结果.xlsx"
rc=$?; [ $rc -le 1 ] || exit 1

step batch list "(every recording enroll is a numbered batch)"
"$XJMA" batch list || exit 1

step void --id 654002197807280154 --plan inpatient-accident "(叶尔兰·努尔兰 enrolled by mistake: voided, refunded in 2026-12)"
"$XJMA" void --id 654002197807280154 --plan inpatient-accident --reason "登记错误：该职工已调离" \
    --refund-on 2026-12-05 --operator 演示经办人 || exit 1

step member show 654002197807280154 "(the enrollment is listed as 已作废)"
"$XJMA" member show 654002197807280154 || exit 1

step fees summary --month 2026-12 "(the refund is a negative fee in its month)"
"$XJMA" fees summary --month 2026-12 -o "$OUT/缴费汇总_2026-12.xlsx" || exit 1

step claim submit samples/claims_cases.xlsx "(a unit's claims for review: one numbered submission, its 汇总表)"
"$XJMA" claim submit samples/claims_cases.xlsx -o "$OUT/理赔汇总表_第1批.xlsx" --operator 演示经办人 || exit 1

step claim approve --submission 1 --except 3 --except 4 "(recomputed against the ledger, under the member's lock)"
"$XJMA" claim approve --submission 1 --except 3 --except 4 --operator 演示审核人 || exit 1

step claim return 3 "(李秀英: the diagnosis is missing — back to the unit)"
"$XJMA" claim return 3 --reason "请补交诊断证明/病理报告" --operator 演示审核人 || exit 1

step claim reject 4 "(艾力·司马义: a traffic accident a third party must pay — a 拒付通知)"
"$XJMA" claim reject 4 --reason "交通事故，应由第三人负担，属除外责任" -o "$OUT/拒付通知_案件4.xlsx" \
    --operator 演示审核人 || exit 1

step claim pay "(a payment batch: the bank's transfer list and one 给付通知 per case)"
"$XJMA" claim pay -o "$OUT/理赔支付第1批_银行转账清单.xlsx" --operator 演示财务 || exit 1

step claim pay --confirm 1 --paid-on 2026-12-20 "(the bank has paid)"
"$XJMA" claim pay --confirm 1 --paid-on 2026-12-20 --operator 演示财务 || exit 1

step member show 650105199404050039 "(王建国: his paid inpatient case counts against the 8,000 大额 cap)"
"$XJMA" member show 650105199404050039 || exit 1

step claim list "(every case and its state)"
"$XJMA" claim list || exit 1

step claims summary --year 2026
"$XJMA" claims summary --year 2026 -o "$OUT/赔付汇总_2026.xlsx" || exit 1

step renewals due --before 2027-12-31 "(units to remind: members whose cover ends, fee due)"
"$XJMA" renewals due --before 2027-12-31 -o "$OUT/续保提醒.xlsx" || exit 1

step template roster --renewal --unit 乌鲁木齐市第一中学 "(next period's roster, pre-filled from the ledger)"
"$XJMA" template roster --renewal --unit 乌鲁木齐市第一中学 -o "$OUT/续保名册_乌鲁木齐市第一中学.xlsx" || exit 1

step medical export --on 2026-12-15 "(who is covered, for the hospitals' 一单结算)"
"$XJMA" medical export --on 2026-12-15 -o "$OUT/医保一单结算_在保名单.csv" || exit 1

step report overview --year 2026 "(the figures the office reports upward)"
"$XJMA" report overview --year 2026 -o "$OUT/开展概况_2026.xlsx" || exit 1

step log "(who wrote what, when)"
"$XJMA" log || exit 1

echo; echo "Outputs in $OUT/:"; ls -1 "$OUT"
