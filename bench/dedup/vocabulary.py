"""Name, company and mail vocabularies for the synthetic 名寄せ benchmark (kanji, kana reading, romaji).

The names here are the head of the distribution (commonest first); ``population`` appends the long
tail from the name data of the ``gimei`` and ``names`` packages and draws from it with weights.

Readings are the ones people write (ヒラノ for 平野), not the reading library's guess: where
pykakasi reads a name otherwise, the kana- and romaji-only duplicates show it as lost recall.
"""

from __future__ import annotations

FAMILIES = [
    ("佐藤", "サトウ", "Sato"), ("鈴木", "スズキ", "Suzuki"), ("高橋", "タカハシ", "Takahashi"),
    ("田中", "タナカ", "Tanaka"), ("伊藤", "イトウ", "Ito"), ("渡辺", "ワタナベ", "Watanabe"),
    ("山本", "ヤマモト", "Yamamoto"), ("中村", "ナカムラ", "Nakamura"), ("小林", "コバヤシ", "Kobayashi"),
    ("加藤", "カトウ", "Kato"), ("吉田", "ヨシダ", "Yoshida"), ("山田", "ヤマダ", "Yamada"),
    ("佐々木", "ササキ", "Sasaki"), ("山口", "ヤマグチ", "Yamaguchi"), ("松本", "マツモト", "Matsumoto"),
    ("井上", "イノウエ", "Inoue"), ("木村", "キムラ", "Kimura"), ("林", "ハヤシ", "Hayashi"),
    ("斎藤", "サイトウ", "Saito"), ("清水", "シミズ", "Shimizu"), ("山崎", "ヤマザキ", "Yamazaki"),
    ("森", "モリ", "Mori"), ("池田", "イケダ", "Ikeda"), ("橋本", "ハシモト", "Hashimoto"),
    ("阿部", "アベ", "Abe"), ("石川", "イシカワ", "Ishikawa"), ("山下", "ヤマシタ", "Yamashita"),
    ("中島", "ナカジマ", "Nakajima"), ("石井", "イシイ", "Ishii"), ("小川", "オガワ", "Ogawa"),
    ("前田", "マエダ", "Maeda"), ("岡田", "オカダ", "Okada"), ("長谷川", "ハセガワ", "Hasegawa"),
    ("藤田", "フジタ", "Fujita"), ("後藤", "ゴトウ", "Goto"), ("近藤", "コンドウ", "Kondo"),
    ("村上", "ムラカミ", "Murakami"), ("遠藤", "エンドウ", "Endo"), ("青木", "アオキ", "Aoki"),
    ("坂本", "サカモト", "Sakamoto"), ("福田", "フクダ", "Fukuda"), ("太田", "オオタ", "Ota"),
    ("西村", "ニシムラ", "Nishimura"), ("藤井", "フジイ", "Fujii"), ("金子", "カネコ", "Kaneko"),
    ("岡本", "オカモト", "Okamoto"), ("藤原", "フジワラ", "Fujiwara"), ("中野", "ナカノ", "Nakano"),
    ("三浦", "ミウラ", "Miura"), ("原田", "ハラダ", "Harada"), ("中川", "ナカガワ", "Nakagawa"),
    ("松田", "マツダ", "Matsuda"), ("竹内", "タケウチ", "Takeuchi"), ("小野", "オノ", "Ono"),
    ("田村", "タムラ", "Tamura"), ("中山", "ナカヤマ", "Nakayama"), ("和田", "ワダ", "Wada"),
    ("石田", "イシダ", "Ishida"), ("森田", "モリタ", "Morita"), ("上田", "ウエダ", "Ueda"),
    ("内田", "ウチダ", "Uchida"), ("柴田", "シバタ", "Shibata"), ("酒井", "サカイ", "Sakai"),
    ("宮崎", "ミヤザキ", "Miyazaki"), ("横山", "ヨコヤマ", "Yokoyama"), ("高木", "タカギ", "Takagi"),
    ("安藤", "アンドウ", "Ando"), ("宮本", "ミヤモト", "Miyamoto"), ("大野", "オオノ", "Ono"),
    ("工藤", "クドウ", "Kudo"), ("谷口", "タニグチ", "Taniguchi"), ("丸山", "マルヤマ", "Maruyama"),
    ("今井", "イマイ", "Imai"), ("平野", "ヒラノ", "Hirano"), ("菅原", "スガワラ", "Sugawara"),
    ("野口", "ノグチ", "Noguchi"), ("桜井", "サクライ", "Sakurai"), ("渡部", "ワタベ", "Watabe"),
]  # fmt: skip
GIVENS = [
    ("太郎", "タロウ", "Taro"), ("一郎", "イチロウ", "Ichiro"), ("健", "ケン", "Ken"),
    ("翔太", "ショウタ", "Shota"), ("大輔", "ダイスケ", "Daisuke"), ("拓也", "タクヤ", "Takuya"),
    ("直樹", "ナオキ", "Naoki"), ("健太", "ケンタ", "Kenta"), ("誠", "マコト", "Makoto"),
    ("浩", "ヒロシ", "Hiroshi"), ("隆", "タカシ", "Takashi"), ("学", "マナブ", "Manabu"),
    ("亮", "リョウ", "Ryo"), ("翔", "ショウ", "Sho"), ("大樹", "ダイキ", "Daiki"),
    ("和也", "カズヤ", "Kazuya"), ("達也", "タツヤ", "Tatsuya"), ("雄一", "ユウイチ", "Yuichi"),
    ("剛", "ツヨシ", "Tsuyoshi"), ("修", "オサム", "Osamu"), ("哲也", "テツヤ", "Tetsuya"),
    ("花子", "ハナコ", "Hanako"), ("美咲", "ミサキ", "Misaki"), ("愛", "アイ", "Ai"),
    ("陽子", "ヨウコ", "Yoko"), ("恵子", "ケイコ", "Keiko"), ("由美", "ユミ", "Yumi"),
    ("直美", "ナオミ", "Naomi"), ("真由美", "マユミ", "Mayumi"), ("綾", "アヤ", "Aya"),
    ("彩", "アヤ", "Aya"), ("麻衣", "マイ", "Mai"), ("舞", "マイ", "Mai"),
    ("優子", "ユウコ", "Yuko"), ("智子", "トモコ", "Tomoko"), ("裕子", "ユウコ", "Yuko"),
    ("さくら", "サクラ", "Sakura"), ("結衣", "ユイ", "Yui"), ("千尋", "チヒロ", "Chihiro"),
    ("沙織", "サオリ", "Saori"), ("美穂", "ミホ", "Miho"), ("香織", "カオリ", "Kaori"),
]  # fmt: skip
VARIANT_KANJI = {"高": "髙", "崎": "﨑", "斎": "齋", "辺": "邊", "沢": "澤", "浜": "濱"}
JP_PLACES = [
    ("東京", "トウキョウ", "Tokyo"), ("大阪", "オオサカ", "Osaka"), ("名古屋", "ナゴヤ", "Nagoya"),
    ("横浜", "ヨコハマ", "Yokohama"), ("札幌", "サッポロ", "Sapporo"), ("福岡", "フクオカ", "Fukuoka"),
    ("神戸", "コウベ", "Kobe"), ("京都", "キョウト", "Kyoto"), ("仙台", "センダイ", "Sendai"),
    ("広島", "ヒロシマ", "Hiroshima"), ("千葉", "チバ", "Chiba"), ("静岡", "シズオカ", "Shizuoka"),
    ("新潟", "ニイガタ", "Niigata"), ("岡山", "オカヤマ", "Okayama"), ("熊本", "クマモト", "Kumamoto"),
    ("日本", "ニホン", "Nihon"), ("東洋", "トウヨウ", "Toyo"), ("富士", "フジ", "Fuji"),
    ("大和", "ヤマト", "Yamato"), ("昭和", "ショウワ", "Showa"), ("中央", "チュウオウ", "Chuo"),
    ("未来", "ミライ", "Mirai"), ("青葉", "アオバ", "Aoba"), ("光", "ヒカリ", "Hikari"),
    ("桜", "サクラ", "Sakura"), ("北斗", "ホクト", "Hokuto"), ("朝日", "アサヒ", "Asahi"),
    ("三和", "サンワ", "Sanwa"), ("太陽", "タイヨウ", "Taiyo"), ("丸紅", "マルベニ", "Marubeni"),
    ("関西", "カンサイ", "Kansai"), ("九州", "キュウシュウ", "Kyushu"), ("北陸", "ホクリク", "Hokuriku"),
    ("湘南", "ショウナン", "Shonan"), ("信州", "シンシュウ", "Shinshu"), ("瀬戸", "セト", "Seto"),
]  # fmt: skip
JP_MIDDLES = [
    ("", "", ""), ("第一", "ダイイチ", "Daiichi"), ("総合", "ソウゴウ", "Sogo"),
    ("精密", "セイミツ", "Seimitsu"), ("国際", "コクサイ", "Kokusai"), ("中央", "チュウオウ", "Chuo"),
    ("新", "シン", "Shin"),
    ("協和", "キョウワ", "Kyowa"), ("共栄", "キョウエイ", "Kyoei"), ("開発", "カイハツ", "Kaihatsu"),
]  # fmt: skip
JP_INDUSTRIES = [
    ("商事", "ショウジ", "Shoji"), ("製作所", "セイサクショ", "Seisakusho"), ("工業", "コウギョウ", "Kogyo"),
    ("電機", "デンキ", "Denki"), ("物流", "ブツリュウ", "Butsuryu"), ("建設", "ケンセツ", "Kensetsu"),
    ("化学", "カガク", "Kagaku"), ("精機", "セイキ", "Seiki"), ("産業", "サンギョウ", "Sangyo"),
    ("技研", "ギケン", "Giken"), ("興産", "コウサン", "Kosan"), ("通商", "ツウショウ", "Tsusho"),
    ("食品", "ショクヒン", "Shokuhin"), ("印刷", "インサツ", "Insatsu"), ("運輸", "ウンユ", "Unyu"),
    ("製薬", "セイヤク", "Seiyaku"), ("不動産", "フドウサン", "Fudosan"), ("設計", "セッケイ", "Sekkei"),
    ("電子", "デンシ", "Denshi"), ("鉄工", "テッコウ", "Tekko"), ("繊維", "センイ", "Seni"),
    ("金属", "キンゾク", "Kinzoku"), ("製紙", "セイシ", "Seishi"), ("工務店", "コウムテン", "Komuten"),
    ("機械", "キカイ", "Kikai"), ("電工", "デンコウ", "Denko"), ("海運", "カイウン", "Kaiun"),
    ("商会", "ショウカイ", "Shokai"), ("製菓", "セイカ", "Seika"), ("薬品", "ヤクヒン", "Yakuhin"),
    ("電設", "デンセツ", "Densetsu"), ("情報", "ジョウホウ", "Joho"),
]  # fmt: skip
EN_COMPANY_FIRST = [
    "Acme", "Northwind", "Contoso", "Summit", "Pioneer", "Blue Ridge", "Redwood", "Silver Lake", "Evergreen",
    "Horizon", "Atlas", "Beacon", "Cedar", "Falcon", "Granite", "Harbor", "Ironwood", "Juniper", "Keystone",
    "Liberty", "Maple", "Nova", "Orion", "Pinnacle", "Quantum", "Riverside", "Sterling", "Titan", "Union",
    "Vertex", "Westfield", "Zenith", "Apex", "Bright", "Crescent", "Delta", "Echo", "Frontier", "Golden",
]  # fmt: skip
EN_COMPANY_SECOND = [
    "Systems", "Labs", "Trading", "Logistics", "Analytics", "Software", "Partners", "Industries",
    "Networks", "Foods", "Materials", "Robotics", "Health", "Energy", "Capital", "Design", "Media", "Devices",
]  # fmt: skip
JP_FORMS = ["株式会社{}", "{}株式会社", "㈱{}", "{}(株)", "（株）{}", "{}（株）"]
JP_SMALL_FORMS = ["有限会社{}", "{}(有)", "合同会社{}"]
EN_FORMS = ["{} Inc.", "{} Corp.", "{}, Inc.", "{} Co., Ltd.", "{} LLC", "The {} Company"]
ROMAJI_FORMS = ["{} Co., Ltd.", "{} K.K.", "{} Corporation", "{} Inc."]
FREE_MAIL = ["gmail.com", "yahoo.co.jp", "icloud.com", "outlook.jp", "docomo.ne.jp", "ezweb.ne.jp"]
ROLE_MAILBOXES = ["info", "sales", "eigyo", "contact", "otoiawase"]
TITLES = [
    "部長",
    "課長",
    "主任",
    "担当",
    "営業部 部長",
    "情報システム部",
    "Manager",
    "Director",
    "VP Sales",
    "Engineer",
]
