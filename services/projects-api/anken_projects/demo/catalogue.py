"""The words of the demo dataset, taken from the source interviews and articles (/work/shared/seeds)."""

from __future__ import annotations

from dataclasses import dataclass

# (name, industry, product) of the SaaS vendors that order outbound work.
CLIENTS = [
    ("株式会社クラウドセールス", "SaaS(SFA/CRM)", "営業支援クラウド「SalesBoard」"),
    ("株式会社ワークフローテック", "SaaS(人事労務)", "勤怠・労務クラウド「HRフロー」"),
    ("株式会社データブリッジ", "SaaS(BI)", "データ可視化ツール「BridgeBI」"),
    ("株式会社セキュアゲート", "SaaS(セキュリティ)", "ゼロトラスト認証「SecureGate ID」"),
]

NEXT_WEEK = -1  # a runway that ends on Wednesday of next week


@dataclass(frozen=True)
class ProjectSpec:
    """One demo project. `runway`: business days its list lasts at the recent calling rate."""

    suffix: str
    status: str
    target: int  # monthly appointment target
    hours: int  # contracted monthly hours
    members: tuple[str, ...] = ()
    runway: int = 0
    pace_factor: float = 1.0  # appointments this month against an even pace
    under_pace_member: str | None = None
    regions: tuple[str, ...] = ("東京都", "神奈川県", "埼玉県", "千葉県")
    industries: tuple[str, ...] = ()
    spare_targets: int = 300  # uncalled targets of a list nobody calls any more (paused)


PROJECTS = [
    ProjectSpec("新規開拓 中堅製造業", "active", 20, 160, ("member1", "member2", "member3"), runway=16,
                industries=("製造業",), regions=("愛知県", "静岡県", "岐阜県", "三重県")),
    ProjectSpec("情報システム部門向け アウトバウンド", "active", 15, 120, ("member1", "member4"),
                runway=NEXT_WEEK, pace_factor=1.3),
    ProjectSpec("人事部長アプローチ", "active", 12, 100, ("member1", "member5", "member6"), runway=10,
                pace_factor=0.6, under_pace_member="member5"),
    ProjectSpec("首都圏 IT企業 開拓", "active", 25, 240, ("member2", "member3", "member7"), runway=20,
                pace_factor=1.05, industries=("情報通信業",)),
    ProjectSpec("関西エリア 卸売業", "active", 10, 80, ("member4", "member8"), runway=13, pace_factor=0.85,
                industries=("卸売業",), regions=("大阪府", "京都府", "兵庫県", "奈良県")),
    ProjectSpec("大手金融 ABM", "active", 8, 60, ("member6", "member8"), runway=18, pace_factor=1.2,
                industries=("金融業",)),
    ProjectSpec("医療法人向け 試験導入", "paused", 6, 60, ("member7",), industries=("医療・福祉",)),
    ProjectSpec("地方自治体向け 実証", "kickoff", 10, 100),
    ProjectSpec("物流業界 新規", "draft", 12, 120),
    ProjectSpec("2025年度 上期キャンペーン", "ended", 15, 160),
]

# Staff of the agency: (key, role, name). member1 … member8 call; the rest run the business.
STAFF = [
    ("admin", "admin", "管理 太郎"), ("director", "director", "中村 健一"), ("director2", "director", "佐々木 花子"),
    ("manager", "manager", "松本 直樹"),
    ("member1", "member", "高橋 美咲"), ("member2", "member", "伊藤 拓也"), ("member3", "member", "渡辺 彩"),
    ("member4", "member", "山本 亮"), ("member5", "member", "小林 結衣"), ("member6", "member", "加藤 大輔"),
    ("member7", "member", "吉田 さくら"), ("member8", "member", "山口 陽介"),
]

# Quarterly quotas: round amounts.
QUOTAS = (("manager", 20_000_000), ("director", 10_000_000), ("director2", 8_000_000))

APPOINTMENT_NOTES = ["オンライン商談（Google Meet）", "オンライン商談（Zoom）", "先方オフィスにて訪問", "Teamsにて30分"]

INDUSTRIES = ["製造業", "情報通信業", "卸売業", "小売業", "建設業", "不動産業", "医療・福祉", "運輸業", "金融業", "サービス業"]
SIZES = ["1-49名", "50-99名", "100-299名", "300-999名", "1000名以上"]
REGIONS = ["東京都", "神奈川県", "埼玉県", "千葉県", "大阪府", "愛知県", "福岡県", "北海道", "京都府", "兵庫県"]
TITLES = ["情報システム部 部長", "営業企画部 課長", "人事部 部長", "経営企画室 室長", "総務部 課長", "代表取締役"]

SCRIPT_A = ("課題提起型", "お世話になっております。{client}の代理でご連絡しております。{product}について、"
            "同業の{industry}企業様で営業の属人化が課題になっているとよく伺うのですが、御社ではいかがでしょうか。")
SCRIPT_B = ("事例紹介型", "突然のお電話失礼いたします。{client}の{product}をご導入いただいた{industry}企業様で、"
            "商談化率が1.5倍になった事例がございまして、15分ほど情報交換のお時間をいただけないでしょうか。")

BANT = {
    "budget": ["年間300万円程度を想定", "来期予算で検討", "未定(稟議次第)"],
    "authority": ["部長決裁", "役員会で決定", "担当課長が推進"],
    "need": ["営業活動の可視化", "勤怠管理の工数削減", "データの一元管理", "リモートワークのセキュリティ強化"],
    "timeline": ["3ヶ月以内", "半年以内", "来期(4月)"],
}

NOTES_REJECTED = ["既存ツールで満足している", "今は検討時期ではない", "担当部署が異なる"]
GOOD_REACTIONS = ["情シス部門長から『ちょうど検討中』との反応", "事例紹介で『同業の話なら聞きたい』と前向き",
                  "決裁者が直接電話に出て15分の説明時間をもらえた", "既存ツールの更新時期が来春との情報を得た"]
LEARNINGS = ["10時台は受付ブロックが少ない", "Bパターン（事例紹介型）の方がコンタクト後の反応が良い",
             "月曜午前は担当者不在が多い", "従業員300名以上は情報システム部経由が早い"]
NEXT_ACTIONS = ["Bパターンのトークを全員に展開", "追加リストの発注（業種を広げる）", "午前中の架電比率を上げる",
                "不在が多い企業の再架電時間帯を変更"]
NOTES_FOLLOWUP = ["来月改めて連絡が欲しい", "資料送付後に再架電", "決裁者不在のため後日"]

# Deals of the agency's own sales (new clients, renewals, upsells): (account, name, amount, lead source).
DEAL_ACCOUNTS = [
    ("株式会社ネクストクラウド", "アウトバウンド代行 月120時間", 1_800_000, "inbound"),
    ("株式会社スマートHR", "インサイドセールス立ち上げ支援", 2_400_000, "referral"),
    ("株式会社ビズリンク", "ABMリスト作成+架電", 1_200_000, "event"),
    ("株式会社コネクトワン", "新規開拓 月200時間", 3_000_000, "partner"),
    ("株式会社エッジAI", "展示会フォロー架電", 600_000, "event"),
    ("株式会社フィンテックラボ", "金融業界向けアポ獲得", 2_000_000, "referral"),
    ("株式会社ロジテック", "物流業界 新規開拓", 1_500_000, "inbound"),
    ("株式会社メディカルクラウド", "医療法人向け テスト導入", 900_000, "outbound_appointment"),
    ("株式会社エデュテック", "教育機関向け 架電", 800_000, "inbound"),
    ("株式会社グリーンエナジー", "法人向け 新規開拓", 1_600_000, "partner"),
]
