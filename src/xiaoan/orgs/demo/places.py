"""The Nanyang education system as named in the source notice: bureaus, codes, townships, map centres.

Region codes are GB/T 2260. Units without a region of their own (the demonstration zone, the two work
zones, the oilfield education centre) carry the city code plus a short letter suffix. Township lists are
the real townships and sub-districts of each county as far as we know them; the zones' lists are
plausible. ``weight`` is the unit's share of the city's ~5,000 schools in city scale.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_NAME = "南阳市教育局"
CITY_SHORT = "市教育局"
CITY_CODE = "411300"
CITY_CENTRE = (32.9908, 112.5283)
CITY_ADDRESS = "河南省南阳市卧龙区工业南路69号"


@dataclass(frozen=True)
class CountySpec:
    """A county-level unit under the city bureau."""

    key: str  # ASCII, used in demo user names (wancheng_admin)
    region: str  # 宛城区
    name: str  # 宛城区教育体育局
    code: str
    school_prefix: str  # prefix of its schools' names
    centre: tuple[float, float]
    weight: int
    township_names: str  # space-separated

    @property
    def townships(self) -> tuple[str, ...]:
        return tuple(self.township_names.split())


# fmt: off
COUNTIES: tuple[CountySpec, ...] = (
    CountySpec("wancheng", "宛城区", "宛城区教育体育局", "411302", "宛城区", (32.9930, 112.5550), 380,
               "瓦店镇 红泥湾镇 黄台岗镇 金华乡 茶庵乡 汉冢乡 高庙镇 溧河乡"),
    CountySpec("wolong", "卧龙区", "卧龙区教育体育局", "411303", "卧龙区", (32.9870, 112.4950), 380,
               "石桥镇 潦河镇 安皋镇 蒲山镇 陆营镇 青华镇 谢庄镇 王村乡"),
    CountySpec("nanzhao", "南召县", "南召县教育体育局", "411321", "南召县", (33.4900, 112.4290), 260,
               "城关镇 留山镇 云阳镇 皇路店镇 南河店镇 板山坪镇 乔端镇 白土岗镇 太山庙乡 石门乡 四棵树乡"
               " 马市坪乡 崔庄乡 小店乡"),
    CountySpec("fangcheng", "方城县", "方城县教育体育局", "411322", "方城县", (33.2550, 113.0120), 480,
               "凤瑞街道 释之街道 广阳镇 拐河镇 独树镇 博望镇 小史店镇 赵河镇 杨楼镇 二郎庙镇 古庄店镇"
               " 券桥镇 柳河镇 清河镇 袁店回族乡"),
    CountySpec("xixia", "西峡县", "西峡县教育体育局", "411323", "西峡县", (33.3070, 111.4730), 220,
               "白羽街道 紫金街道 莲花街道 回车镇 丁河镇 桑坪镇 米坪镇 双龙镇 五里桥镇 西坪镇 重阳镇"
               " 太平镇 阳城镇 二郎坪镇 军马河镇 田关乡"),
    CountySpec("zhenping", "镇平县", "镇平县教育体育局", "411324", "镇平县", (33.0340, 112.2350), 420,
               "涅阳街道 玉都街道 雪枫街道 石佛寺镇 晁陂镇 贾宋镇 侯集镇 老庄镇 卢医镇 遮山镇 高丘镇"
               " 曲屯镇 枣园镇 杨营镇 安子营镇 彭营镇 马庄乡 张林镇"),
    CountySpec("neixiang", "内乡县", "内乡县教育体育局", "411325", "内乡县", (33.0460, 111.8490), 280,
               "城关镇 夏馆镇 师岗镇 马山口镇 湍东镇 赤眉镇 瓦亭镇 王店镇 灌涨镇 桃溪镇 岞岖镇 余关镇"
               " 大桥乡 赵店乡 七里坪乡"),
    CountySpec("xichuan", "淅川县", "淅川县教育体育局", "411326", "淅川县", (33.1370, 111.4900), 320,
               "龙城街道 商圣街道 荆紫关镇 老城镇 香花镇 厚坡镇 九重镇 马蹬镇 金河镇 仓房镇 上集镇"
               " 盛湾镇 寺湾镇 西簧乡 毛堂乡 大石桥乡 滔河乡"),
    CountySpec("sheqi", "社旗县", "社旗县教育体育局", "411327", "社旗县", (33.0560, 112.9480), 280,
               "赊店镇 桥头镇 饶良镇 兴隆镇 晋庄镇 李店镇 苗店镇 郝寨镇 朱集镇 下洼镇 太和镇 大冯营镇"
               " 陌陂镇 唐庄乡 城郊乡"),
    CountySpec("tanghe", "唐河县", "唐河县教育体育局", "411328", "唐河县", (32.6810, 112.8380), 600,
               "滨河街道 文峰街道 东兴街道 兴唐街道 源潭镇 张店镇 郭滩镇 湖阳镇 黑龙镇 大河屯镇 龙潭镇"
               " 桐寨铺镇 苍台镇 上屯镇 毕店镇 少拜寺镇 王集镇 马振抚镇 祁仪镇 桐河乡 古城乡 东王集乡"),
    CountySpec("xinye", "新野县", "新野县教育体育局", "411329", "新野县", (32.5200, 112.3600), 300,
               "汉城街道 汉华街道 王庄镇 沙堰镇 新甸铺镇 施庵镇 歪子镇 五星镇 溧河铺镇 王集镇 上庄乡"
               " 樊集乡 前高庙乡"),
    CountySpec("tongbai", "桐柏县", "桐柏县教育体育局", "411330", "桐柏县", (32.4500, 113.4300), 200,
               "城关镇 月河镇 吴城镇 固县镇 毛集镇 大河镇 埠江镇 平氏镇 淮源镇 黄岗镇 安棚镇 程湾镇"
               " 朱庄镇 新集乡 回龙乡"),
    CountySpec("dengzhou", "邓州市", "邓州市教育体育局", "411381", "邓州市", (32.6870, 112.0870), 700,
               "花洲街道 古城街道 湍河街道 罗庄镇 汲滩镇 穰东镇 孟楼镇 林扒镇 构林镇 十林镇 张村镇"
               " 都司镇 赵集镇 刘集镇 桑庄镇 彭桥镇 白牛镇 腰店镇 九龙镇 文渠镇 高集镇 陶营镇 小杨营镇"
               " 夏集镇 龙堰乡 裴营乡"),
    CountySpec("shifanqu", "城乡一体化示范区", "南阳市城乡一体化示范区教育中心", "411300SF", "南阳市示范区",
               (32.9600, 112.6100), 60, "白河街道 枣林街道 姜营街道 新店乡 英庄镇"),
    CountySpec("yahe", "鸭河工区", "南阳市鸭河工区社会事业局", "411300YH", "鸭河工区", (33.2850, 112.6150), 30,
               "鸭河口镇 龙王沟乡 皇后乡"),
    CountySpec("guanzhuang", "官庄工区", "南阳市官庄工区社会事业局", "411300GZ", "官庄工区", (32.9000, 112.7700),
               30, "官庄镇 大庄寨 茶庵新村"),
    CountySpec("youtian", "南阳油田", "南阳油田教育中心", "411300YT", "南阳油田", (32.7300, 112.9500), 50,
               "魏岗 双河 江河 下二门"),
)
# fmt: on

# School identifiers use a 4-digit area number; zones have no region code, so they get 139n.
ZONE_AREAS = {"411300SF": "1391", "411300YH": "1392", "411300GZ": "1393", "411300YT": "1394"}

# Schools directly under the city bureau (局属学校): (name, stage).
CITY_SCHOOLS: tuple[tuple[str, str], ...] = (
    ("南阳市第一中学", "senior"),
    ("南阳市第二中学", "senior"),
    ("南阳市第三中学", "senior"),
    ("南阳市第五完全学校", "complete"),
    ("南阳市第八中学", "junior"),
    ("南阳市第十三中学", "junior"),
    ("南阳市实验中学", "junior"),
    ("南阳市第二十一学校", "nine_year"),
    ("南阳市第一职业中等专业学校", "vocational"),
    ("南阳市第二职业中等专业学校", "vocational"),
    ("南阳市特殊教育学校", "special"),
    ("南阳市实验幼儿园", "kindergarten"),
    ("南阳市第二实验幼儿园", "kindergarten"),
    ("南阳市第十五小学", "primary"),
    ("南阳市第二十小学", "primary"),
)

# Streets in town seats, villages around townships (surname + a local place-word).
STREETS = tuple(
    "人民路 建设路 中州路 解放路 新华路 工业路 光武路 文化路 育才路 滨河路 仲景路 独山大道 车站路 范蠡路".split()
)
VILLAGE_SURNAMES = tuple(
    "张王李刘陈杨赵黄周吴徐孙马朱胡郭何林罗郑梁谢宋许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程魏苏吕丁任姚卢崔贾白孟秦薛"
    "闫段雷侯史郝邵孔常牛靳宁岳楚"
)
VILLAGE_PLACES = tuple("庄营湾店岗寨集楼坡沟桥洼河堂岭坪")
KINDERGARTEN_BRANDS = tuple(
    "小天使 蓝天 阳光 金太阳 童心 爱心 贝贝 启蒙 春苗 智慧树 七彩虹 快乐宝贝 星星 新星 博雅 英才 小博士 金色摇篮"
    " 育英 明德 向日葵 小太阳".split()
)
