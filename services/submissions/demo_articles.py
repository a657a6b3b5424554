"""The demo articles of the category BC (print and online press), written for the demo:
reportage on "người tốt, việc tốt" in Lạng Sơn; three for the current contest, two for the
previous edition (already judged). The people and villages named are invented; the communes and
districts are real. No byline: the rounds are blind."""

from __future__ import annotations


def _article(source: str) -> str:
    """The article as a newsroom's .txt file has it: one line per paragraph (the source is
    wrapped for the code's sake), a blank line between paragraphs."""
    return "\n\n".join(" ".join(p.split()) for p in source.strip().split("\n\n")) + "\n"


ROAD = _article(
    """
Ông Sình “mở lối” cho thôn Nà Pàn

Những ngày cuối năm, con đường bê tông rộng 5 mét chạy qua thôn Nà Pàn, xã Tri Phương, huyện
Tràng Định tấp nập xe chở thạch đen, hoa hồi ra chợ. Ít ai nghĩ rằng chỉ ba năm trước, đây còn
là lối mòn lầy lội, mùa mưa xe máy cũng không qua nổi. Người khởi xướng con đường ấy là ông
Hoàng Văn Sình, 68 tuổi, đảng viên gần 40 năm tuổi Đảng, người có uy tín của thôn.

Năm 2023, khi xã triển khai làm đường giao thông nông thôn theo phương châm “Nhà nước và nhân
dân cùng làm”, đoạn qua thôn Nà Pàn cần mở rộng thêm gần 2 mét, lấn vào vườn và ruộng của 15 hộ.
Nhiều cuộc họp thôn kết thúc mà chưa đi đến thống nhất, bởi đất canh tác ở vùng núi vốn đã ít.
Ông Sình về bàn với vợ con, rồi tự nguyện hiến 1.200 mét vuông đất vườn, chặt bỏ hơn 30 gốc hồi
đang cho thu hoạch để làm đường.

“Cây hồi trồng lại được, nhưng con đường thì cả thôn đã chờ mấy chục năm. Mình là đảng viên,
mình không làm trước thì khó nói với bà con”, ông Sình nhớ lại. Sau đó, ông cùng trưởng thôn đến
từng nhà, ngồi bên bếp lửa giải thích lợi ích của con đường; có nhà ông đến tới lần thứ năm. Chỉ
trong một tháng, cả 15 hộ đều ký biên bản hiến đất, tổng diện tích gần 4.000 mét vuông.

Không dừng ở việc vận động, ông Sình còn góp 60 ngày công, nhận trông coi vật liệu và đôn đốc
các tổ thi công. Con đường dài 1,8 km hoàn thành sau năm tháng, sớm hơn kế hoạch. Ông Nông Văn
Thạch, trưởng thôn Nà Pàn, chia sẻ: “Nếu không có bác Sình làm gương, đường chưa thể xong nhanh
như thế. Bây giờ xe tải vào tận đầu bản mua thạch, giá bán cao hơn trước mỗi cân vài nghìn
đồng”.

Đường mở, cuộc sống của 72 hộ dân trong thôn cũng đổi khác. Học sinh đi học không còn phải lội
bùn, người ốm được đưa xuống trạm y tế xã chỉ trong hơn mười phút. Nhiều gia đình mạnh dạn vay
vốn làm chuồng trại, trồng thêm thạch đen và rau an toàn. Tỷ lệ hộ nghèo của thôn từ 18% năm
2022 giảm còn 7% năm 2025.

Theo lãnh đạo UBND xã Tri Phương, từ tấm gương của ông Sình, phong trào hiến đất làm đường đã
lan ra nhiều thôn khác trong xã, với hơn 9.000 mét vuông đất được người dân tự nguyện hiến. Năm
2025, ông Sình được Chủ tịch UBND tỉnh tặng Bằng khen vì có thành tích xuất sắc trong phong trào
thi đua “Cả nước chung sức xây dựng nông thôn mới”.

Hỏi về dự định sắp tới, ông Sình cười hiền: “Còn sức thì còn làm. Tôi đang cùng chi hội người
cao tuổi vận động bà con trồng cây xanh hai bên đường, để con cháu sau này có bóng mát mà đi”.
"""
)

TEACHER = _article(
    """
Cô giáo mười hai năm bám điểm trường Khe Khẩn

Điểm trường Khe Khẩn thuộc Trường Tiểu học xã Bắc Xa, huyện Đình Lập, nằm cách trung tâm xã hơn
14 km đường đồi. Sáu giờ sáng, khi sương còn phủ kín sườn núi, cô giáo Lăng Thị Hiền đã nhóm bếp
nấu nồi cháo cho những học trò đến sớm. Mười hai năm nay, ngày nào của cô cũng bắt đầu như vậy.

Năm 2014, vừa tốt nghiệp cao đẳng sư phạm, cô Hiền nhận quyết định về điểm trường. Lớp học khi
ấy là hai gian nhà gỗ dột nát, học sinh phần lớn là con em đồng bào Dao, nhiều em vào lớp Một
chưa nói được tiếng Việt. “Hôm đầu tiên tôi hỏi gì các con cũng chỉ cười. Tôi biết mình phải học
tiếng Dao trước đã”, cô kể.

Từ đó, cô tự học tiếng Dao qua phụ huynh, làm những tấm thẻ chữ có hình ảnh gần gũi như con gà,
cây ngô, bếp lửa để dạy các em. Mỗi mùa hè, cô mở lớp tăng cường tiếng Việt miễn phí cho trẻ
chuẩn bị vào lớp Một. Nhờ vậy, nhiều năm liền, toàn bộ học sinh của điểm trường hoàn thành
chương trình lớp học, không em nào bỏ học giữa chừng.

Thấy học trò nhà xa phải mang cơm nguội đi học, cô vận động các nhà hảo tâm, Đoàn Thanh niên và
bộ đội biên phòng góp gạo, dựng một bếp ăn nhỏ ngay cạnh lớp. Hiện bếp nấu bữa trưa cho 26 em;
thực đơn có thêm rau do cô trò tự trồng trong vườn trường. Cô còn xin được hơn 800 cuốn sách để
làm “tủ sách dưới chân đồi”, mở cửa cho cả người dân trong thôn mượn đọc.

Chị Triệu Thị Mai, phụ huynh trong thôn, nói: “Ngày trước con tôi sợ đi học, giờ sáng nào cũng
đòi đến lớp sớm để được cô cho đọc truyện. Cô Hiền như người nhà của cả bản”.

Năm học 2024 - 2025, cô Lăng Thị Hiền được công nhận danh hiệu Chiến sĩ thi đua cơ sở và được
tặng Giấy khen vì có thành tích trong công tác giáo dục ở vùng đặc biệt khó khăn. Nhưng với cô,
phần thưởng lớn nhất là những lá thư học trò cũ gửi về từ trường phổ thông dân tộc nội trú của
tỉnh.

Khi được hỏi có muốn chuyển về trường trung tâm, cô lắc đầu: “Các con ở đây còn cần tôi. Tôi chỉ
mong điểm trường có thêm phòng học kiên cố để mùa đông các con không bị lạnh”. Mong ước giản dị
ấy đang được địa phương đưa vào kế hoạch xây dựng năm tới.
"""
)

TANGERINE = _article(
    """
Chàng trai Tày đưa quýt vàng Bắc Sơn lên sàn thương mại điện tử

Giữa vườn quýt chín vàng ở thôn Pò Pheo, xã Vũ Lễ, huyện Bắc Sơn, anh Dương Văn Tiến, 29 tuổi,
chỉnh lại chiếc điện thoại trên giá đỡ rồi bắt đầu buổi bán hàng trực tuyến. Chỉ sau một giờ,
hơn 300 đơn hàng quýt đã được chốt, gửi đi nhiều tỉnh, thành phố trong cả nước.

Năm 2020, sau sáu năm làm công nhân ở một khu công nghiệp tại Bắc Ninh, Tiến quyết định trở về
quê. Anh nhận thấy quýt vàng Bắc Sơn ngon, nổi tiếng, nhưng bà con vẫn chủ yếu bán cho thương
lái, nhiều vụ được mùa mà mất giá. “Tôi nghĩ nếu người mua ở xa biết đến quả quýt của mình thì
bà con sẽ không phải bán rẻ nữa”, anh nói.

Ban đầu, Tiến tự học cách chụp ảnh, quay video, mở trang bán hàng trên mạng xã hội. Vụ đầu tiên
anh chỉ bán được vài tạ quýt của gia đình. Không nản lòng, anh tham gia các lớp tập huấn chuyển
đổi số do huyện tổ chức, rồi hướng dẫn bà con trồng theo quy trình VietGAP, đăng ký mã số vùng
trồng và truy xuất nguồn gốc bằng mã QR.

Năm 2023, anh cùng 17 hộ trong xã thành lập Tổ hợp tác quýt vàng Vũ Lễ. Tổ thống nhất tiêu chuẩn
thu hái, đóng hộp và giao hàng, đưa sản phẩm lên hai sàn thương mại điện tử lớn. Vụ quýt năm
2025, tổ hợp tác tiêu thụ hơn 120 tấn quả, giá bán bình quân cao hơn bán qua thương lái từ 20
đến 30%.

Điều khiến bà con quý Tiến không chỉ là đầu ra cho quả quýt. Anh còn mở lớp miễn phí vào các
buổi tối, hướng dẫn người cao tuổi dùng điện thoại thông minh, thanh toán không dùng tiền mặt và
nhận biết các chiêu lừa đảo qua mạng. Đến nay đã có hơn 150 lượt người dân trong xã tham gia các
lớp học này.

Bà Hoàng Thị Lìu, 62 tuổi, thành viên tổ hợp tác, vui vẻ nói: “Trước kia quýt chín rụng đầy vườn
mà không biết bán cho ai. Giờ cháu Tiến chỉ cho cách nhận đơn trên điện thoại, tháng này nhà tôi
bán được gần hai tấn”.

Với những đóng góp đó, anh Dương Văn Tiến được Tỉnh đoàn Lạng Sơn tặng Bằng khen thanh niên tiêu
biểu trong phong trào khởi nghiệp, lập nghiệp. Anh đang ấp ủ kế hoạch kết hợp vườn quýt với du
lịch cộng đồng, để du khách đến Bắc Sơn vừa ngắm thung lũng lúa chín, vừa được tự tay hái quýt.
"""
)

# The previous edition (2025), judged and approved in the demo.

CATTLE_BANK = _article(
    """
“Ngân hàng bò” của chị Chi hội trưởng ở Hữu Liên

Sáng sớm, khi sương còn giăng trên những dãy núi đá vôi của xã Hữu Liên, huyện Hữu Lũng, chị Chu
Thị Nguyệt, Chi hội trưởng Chi hội Phụ nữ thôn Làng Ven, đã có mặt ở nhà chị Lý Thị Mến để xem
con bê mới sinh. “Con bê này khoẻ lắm, đủ tháng chị em mình lại giao cho nhà tiếp theo”, chị
Nguyệt vừa nói vừa ghi vào cuốn sổ đã sờn gáy.

Cuốn sổ ấy là sổ theo dõi của “ngân hàng bò” do chị khởi xướng từ năm 2021. Khi đó, thôn Làng
Ven còn 19 hộ nghèo, phần lớn là phụ nữ đơn thân hoặc gia đình có người ốm đau. Chị Nguyệt bàn
với chi hội góp tiền tiết kiệm, vận động thêm các nhà hảo tâm và doanh nghiệp ở thị trấn, mua
được ba con bò cái giống đầu tiên. Nguyên tắc rất giản dị: hộ nhận bò chăm sóc, khi bò đẻ lứa
đầu thì giữ lại bê, chuyển bò mẹ cho hộ khó khăn tiếp theo.

Không ít người lo bò chết, bò ốm thì lấy gì mà trả. Chị Nguyệt cùng cán bộ thú y xã mở lớp
hướng dẫn cách làm chuồng, trồng cỏ voi, tiêm phòng đúng lịch. Mỗi tháng, chị đi một vòng thăm
từng con bò, có khi phải lội suối giữa mùa lũ. “Bò khoẻ thì chị em mới yên tâm, mà chị em yên
tâm thì mới dám nghĩ chuyện làm ăn lâu dài”, chị nói.

Sau bốn năm, từ ba con bò ban đầu, “ngân hàng bò” đã luân chuyển tới 23 hộ, đàn bò của các gia
đình tham gia tăng lên hơn 40 con. Mười bốn hộ đã thoát nghèo, nhiều nhà bán bê lấy vốn mua máy
cày, mở quán tạp hoá nhỏ. Mô hình được Hội Liên hiệp Phụ nữ huyện nhân rộng ra năm xã khác.

Chị Lý Thị Mến, người từng nhận con bò thứ bảy, xúc động kể: “Chồng mất sớm, một mình nuôi hai
con, tôi chưa bao giờ dám nghĩ nhà mình có bò. Giờ đàn bò có bốn con, con lớn đã học cao đẳng”.

Năm 2025, chị Chu Thị Nguyệt được Trung ương Hội Liên hiệp Phụ nữ Việt Nam tặng Bằng khen vì
thành tích xuất sắc trong phong trào thi đua “Phụ nữ tích cực học tập, lao động sáng tạo, xây
dựng gia đình hạnh phúc”. Chị bảo phần thưởng lớn nhất là tiếng cười của chị em mỗi lần bàn giao
một con bê mới.
"""
)

NIGHT_CLASS = _article(
    """
Lớp học chữ buổi tối của người cựu chiến binh ở Thiện Long

Tám giờ tối, ngọn đèn điện trong nhà văn hoá thôn Pác Khuôn, xã Thiện Long, huyện Bình Gia vẫn
sáng. Hai mươi học viên, người trẻ nhất ngoài ba mươi, người cao tuổi nhất đã gần bảy mươi, chăm
chú đánh vần theo cây thước của thầy giáo Vi Văn Pàn, một cựu chiến binh năm nay 71 tuổi.

Trở về quê sau nhiều năm quân ngũ, ông Pàn nhận ra không ít bà con người Tày, người Dao trong
thôn chưa biết đọc, biết viết. Có người đi khám bệnh không đọc được đơn thuốc, có người ký vào
giấy vay tiền mà không hiểu trong giấy ghi gì. Năm 2019, ông xin Ban quản lý thôn cho mượn nhà
văn hoá, tự bỏ tiền mua bảng, phấn và sách vở, mở lớp xoá mù chữ miễn phí vào các buổi tối.

Những ngày đầu, lớp chỉ có năm người, phần vì ngại, phần vì mệt sau một ngày lên nương. Ông Pàn
kiên trì đến từng nhà, nói chuyện với cả người chồng, người vợ, động viên con cháu đưa ông bà đi
học. Ông soạn bài từ những điều gần gũi: đọc tên thuốc, viết tên con, tính tiền bán ngô, bán
quế. Mỗi buổi học, ông còn dành mười lăm phút đọc báo, kể chuyện thời sự cho cả lớp.

Sáu năm qua, lớp học buổi tối của ông đã giúp 87 người biết đọc, biết viết và làm được các phép
tính thông thường. Nhiều học viên mạnh dạn vay vốn ngân hàng chính sách, tự ghi chép sổ sách thu
chi của gia đình. Chị Hoàng Thị Sen, học viên khoá đầu, nay đã là tổ trưởng tổ vay vốn của thôn.

Ông Lộc Văn Hưng, Chủ tịch Hội Cựu chiến binh xã Thiện Long, cho biết: “Ông Pàn là tấm gương
‘bộ đội Cụ Hồ’ giữa thời bình. Từ lớp học của ông, Hội đã phát động phong trào mỗi hội viên giúp
đỡ một hộ khó khăn trong thôn”.

Năm 2025, ông Vi Văn Pàn được Hội Cựu chiến binh tỉnh khen thưởng là điển hình “Cựu chiến binh
gương mẫu”. Ông nói chỉ mong còn sức khoẻ để mở thêm lớp tin học cho thanh niên trong thôn.
"""
)
