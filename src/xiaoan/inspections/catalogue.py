"""The checklists every installation starts with (system templates, visible to all units).

Pure data — no model imports — so the data migration that creates them can read it. Each item is
``(text, options)``; options: ``type`` (pass_fail, number, text, photo), ``min``/``max``, ``unit``,
``photo`` (photo required when failed), ``category`` (hazard category when failed, else the section's).
"""

from __future__ import annotations

from typing import Any

P = {"photo": True}

# fmt: off
SYSTEM_TEMPLATES: list[dict[str, Any]] = [
    {
        "code": "daily-patrol",
        "title": "校园日常巡查",
        "category": "security",
        "description": "值班人员、保安每日巡查校园，重点看门卫、通道、设施和周边。",
        "sections": [
            ("门卫与校门", "security", [
                ("门卫室有人值守，来访人员登记、核实身份", {}),
                ("防冲撞设施（隔离桩、升降柱）处于防护状态", P),
                ("一键式紧急报警装置可用，值班人员会操作", {}),
                ("防暴器械（钢叉、盾牌、警棍等）配备齐全、放置在位", {}),
                ("上下学时段护学岗人员在岗", {}),
            ]),
            ("通道与建筑", "building", [
                ("疏散通道、楼梯间畅通无杂物", {**P, "category": "fire"}),
                ("安全出口指示灯、应急照明完好", {"category": "fire"}),
                ("门窗、护栏、栏杆牢固无松动", P),
                ("墙面、吊顶、外墙装饰无开裂脱落", P),
            ]),
            ("设施与环境", "other", [
                ("配电箱门关闭并上锁，无私拉乱接电线", {**P, "category": "electricity"}),
                ("体育器材、游乐设施固定牢靠、无破损", {**P, "category": "sports"}),
                ("校内水池、井盖、窨井盖完好并加盖", {**P, "category": "water"}),
                ("视频监控画面正常，录像可回放", {"category": "security"}),
                ("校园周边无占道摊点、无异常人员聚集", {"category": "surroundings"}),
            ]),
        ],
    },
    {
        "code": "monthly-fire",
        "title": "每月消防设施检查",
        "category": "fire",
        "checks_assets": True,
        "description": "每月至少一次，由安全专干检查消防设施器材，逐一记录灭火器、消火栓、应急照明等检查结果。",
        "sections": [
            ("灭火器与消火栓", "fire", [
                ("灭火器压力指针在绿区", P),
                ("灭火器在有效期内，铅封、喷管完好", {}),
                ("灭火器放置位置明显、取用方便", {}),
                ("室内消火栓箱内水带、水枪、阀门齐全完好", P),
                ("室外消火栓无遮挡、无损坏", {}),
                ("消防水池（水箱）水位", {"type": "number", "min": 80, "max": 100, "unit": "%"}),
            ]),
            ("疏散设施", "fire", [
                ("疏散通道畅通无杂物", P),
                ("安全出口未锁闭、未堵塞", P),
                ("安全出口指示灯完好", {}),
                ("应急照明灯断电后能正常点亮", {}),
                ("疏散指示标志位置正确、清晰", {}),
            ]),
            ("用火用电", "electricity", [
                ("配电箱门关闭并上锁", {}),
                ("无私拉乱接电线、无超负荷用电", P),
                ("无违规使用大功率电器", {}),
                ("火灾自动报警系统运行正常、无故障报警", {"category": "fire"}),
                ("消防控制室双人值班、持证上岗", {"category": "fire"}),
            ]),
        ],
    },
    {
        "code": "dormitory",
        "title": "宿舍安全检查",
        "category": "building",
        "stages": ["junior", "senior", "complete", "nine_year", "vocational", "special"],
        "description": "寄宿制学校每周检查学生宿舍的消防、用电、门禁和值守情况。",
        "sections": [
            ("消防与用电", "fire", [
                ("宿舍内无违规电器（电热毯、热得快、电炉等）", P),
                ("无私拉乱接电线、充电设备不在床铺上充电", {**P, "category": "electricity"}),
                ("每层配备灭火器且在有效期内", {}),
                ("疏散通道畅通，安全出口未锁闭", P),
                ("应急照明和疏散指示标志完好", {}),
            ]),
            ("设施与管理", "building", [
                ("床铺护栏牢固、高度符合要求", P),
                ("门窗、防护栏完好，窗户限位器有效", P),
                ("宿舍管理员夜间值守，查寝记录完整", {"category": "security"}),
                ("晚归、未归学生已登记并通知家长", {"category": "security"}),
                ("卫生间、淋浴间地面防滑，无积水", {}),
                ("实到人数", {"type": "number", "min": 0, "unit": "人"}),
            ]),
        ],
    },
    {
        "code": "laboratory",
        "title": "实验室安全检查",
        "category": "laboratory",
        "stages": ["junior", "senior", "complete", "nine_year", "vocational"],
        "description": "检查实验室和危险化学品的存放、使用与处置。",
        "sections": [
            ("危险化学品", "laboratory", [
                ("危化品双人双锁管理", P),
                ("危化品领用、归还台账完整，账物相符", {}),
                ("易燃易爆、剧毒化学品分类存放于专用柜", P),
                ("化学试剂标签清晰、无过期变质试剂", {}),
                ("实验废液、废弃物分类收集并按规定处置", {}),
            ]),
            ("设施与防护", "laboratory", [
                ("通风橱、排风设施运行正常", {}),
                ("洗眼器、紧急喷淋装置可用", P),
                ("实验室配备灭火器、灭火毯和沙箱", {"category": "fire"}),
                ("电源、燃气管路完好，离开时已关闭", {**P, "category": "gas"}),
                ("实验室安全制度、操作规程上墙", {}),
            ]),
        ],
    },
    {
        "code": "canteen",
        "title": "食堂食品安全检查",
        "category": "food",
        "description": "每日检查食堂的人员健康、原料、加工、留样和消毒。",
        "sections": [
            ("人员与原料", "food", [
                ("从业人员持有效健康证明上岗，晨检记录完整", {}),
                ("食品原料索证索票、进货查验记录完整", {}),
                ("无过期、变质或来源不明的食品原料", P),
                ("冷藏设施温度", {"type": "number", "min": 0, "max": 8, "unit": "℃"}),
            ]),
            ("加工与留样", "food", [
                ("生熟分开，刀具、砧板、容器标识清楚", {}),
                ("留样冰箱48小时留样，每样不少于125克并记录", P),
                ("餐具清洗消毒后存放于保洁柜", {}),
                ("陪餐制度落实，有陪餐记录", {}),
                ("防鼠、防蝇、防虫设施完好", P),
            ]),
            ("燃气与消防", "gas", [
                ("燃气管道、阀门无泄漏，燃气报警器正常", P),
                ("灶台、排烟罩油污已清理", {"category": "fire"}),
                ("后厨配备灭火器和灭火毯", {"category": "fire"}),
            ]),
        ],
    },
    {
        "code": "pre-holiday",
        "title": "节假日前安全隐患排查",
        "category": "other",
        "description": "寒暑假和法定节假日前全面排查，确保假期校园安全。",
        "sections": [
            ("校舍与设施", "building", [
                ("校舍、围墙、护栏无安全隐患", P),
                ("门窗已关好锁好，重要部位已封存", {}),
                ("配电箱门关闭并上锁，非必要电源已断开", {**P, "category": "electricity"}),
                ("燃气总阀已关闭", {"category": "gas"}),
            ]),
            ("消防与安保", "fire", [
                ("消防设施器材完好有效", P),
                ("疏散通道畅通无杂物", {}),
                ("假期值班表已排定，值班人员到位", {"category": "security"}),
                ("危化品、贵重物品已清点入库并加锁", {"category": "laboratory"}),
                ("视频监控和报警系统运行正常", {"category": "security"}),
            ]),
            ("学生假期安全", "water", [
                ("已开展防溺水等假期安全教育", {}),
                ("《致家长的一封信》已发放并回收回执", {}),
                ("校园周边危险水域警示标志完好", {**P, "category": "surroundings"}),
                ("校车已检修，驾驶人、照管员假期管理到位", {"category": "traffic"}),
            ]),
        ],
    },
]
# fmt: on
