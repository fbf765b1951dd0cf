"""Japanese company and person names built from real name parts, so the demo reads like a real list.

Deterministic for a given random generator; never numbered (「株式会社テスト001」 tells a reader nothing).
"""

from __future__ import annotations

import random

# Stems seen in real company names: places, virtues, nature, and coined katakana words.
COMPANY_STEMS = (
    "東和", "中央", "大和", "富士", "三和", "北斗", "昭栄", "新光", "平和", "旭", "明治", "協和", "丸善", "太陽",
    "青葉", "朝日", "近畿", "東海", "関東", "光洋", "誠和", "日進", "共栄", "三栄", "大成", "東邦", "北陸", "山陽",
    "瀬戸内", "湘南", "武蔵野", "千代田", "浪速", "博多", "仙台", "信州", "若葉", "白鷺", "桜花", "菱和", "豊田",
    "松葉", "清水", "高砂", "丸紅", "日栄", "光和", "双葉", "神田", "横浜", "名古屋", "北海", "扶桑", "弘前",
    "アルファ", "ネクスト", "サンライズ", "グローバル", "ユニオン", "クレスト", "フォレスト", "アクア", "ブライト",
)
COMPANY_TAILS = (
    "工業", "商事", "製作所", "システム", "物産", "電機", "化学", "ホールディングス", "サービス", "テクノ", "産業",
    "精機", "ロジスティクス", "建設", "情報", "食品", "薬品", "運輸", "興産", "工務店", "ソリューションズ", "電子",
    "機工", "不動産", "メディカル", "通商", "印刷", "金属", "樹脂", "フーズ",
)
# Most companies are 株式会社, prefix or suffix; a few are 有限会社 or 合同会社.
LEGAL_FORMS = (("株式会社", True),) * 6 + (("株式会社", False),) * 3 + (("有限会社", True), ("合同会社", False))

FAMILY_NAMES = (
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山口", "松本", "井上",
    "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "前田", "藤田", "小川", "岡田",
    "後藤", "長谷川", "村上", "近藤", "石井", "坂本", "遠藤", "青木", "藤井", "西村", "福田", "太田",
)
GIVEN_NAMES = (
    "翔太", "美咲", "大輔", "彩", "健一", "結衣", "拓也", "真由美", "亮", "さくら", "直樹", "愛", "陽介", "恵",
    "和也", "明日香", "悠斗", "奈々", "誠", "裕子", "隆", "千尋", "浩二", "舞", "剛", "優花", "智也", "麻衣",
)


def company_name(rng: random.Random) -> str:
    """e.g. 「株式会社東和精機」 or 「北斗ロジスティクス株式会社」."""
    stem, tail = rng.choice(COMPANY_STEMS), rng.choice(COMPANY_TAILS)
    form, before = rng.choice(LEGAL_FORMS)
    return f"{form}{stem}{tail}" if before else f"{stem}{tail}{form}"


def company_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` names not in `taken` (which grows); a branch name tells apart the rare repeats."""
    branches = ("東京支社", "大阪支店", "名古屋営業所", "福岡支店", "札幌支店", "横浜営業所", "仙台支店", "広島支店")
    out: list[str] = []
    while len(out) < count:
        name = company_name(rng)
        if name in taken:
            name = f"{name} {rng.choice(branches)}"
        if name in taken:
            continue
        taken.add(name)
        out.append(name)
    return out


def person_name(rng: random.Random) -> str:
    """姓 名, e.g. 「山本 悠斗」."""
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"
