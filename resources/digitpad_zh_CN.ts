<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CollectBar</name>
    <message>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <source>Keep this drawing as the digit asked for and ask for the next (Enter)</source>
        <translation>把这幅画保存为要求的数字，并请求下一个（Enter）</translation>
    </message>
    <message>
        <source>Stop Collecting</source>
        <translation>停止收集</translation>
    </message>
    <message>
        <source>Collecting for &lt;b&gt;{name}&lt;/b&gt;: draw a &lt;b style=&apos;font-size:14pt&apos;&gt;{digit}&lt;/b&gt;, then press Next · {kept} kept</source>
        <translation>正在为 &lt;b&gt;{name}&lt;/b&gt; 收集：请画 &lt;b style=&apos;font-size:14pt&apos;&gt;{digit}&lt;/b&gt;，然后按“下一个” · 已保存 {kept} 个</translation>
    </message>
</context>
<context>
    <name>ColourBar</name>
    <message>
        <source>Colours of {name}: {low:.4g} … {high:.4g}</source>
        <translation>{name} 的颜色：{low:.4g} … {high:.4g}</translation>
    </message>
</context>
<context>
    <name>CorrectionPanel</name>
    <message>
        <source>Correct It</source>
        <translation>纠正</translation>
    </message>
    <message>
        <source>Read wrong? Say what you drew. The network then trains a few steps on your drawing, mixed with MNIST digits so it does not forget the rest.</source>
        <translation>认错了？告诉它你画的是什么。网络随后会在你的画上训练几步，并混入 MNIST 数字，以免忘掉其余的内容。</translation>
    </message>
    <message>
        <source>That was a</source>
        <translation>这是</translation>
    </message>
    <message>
        <source>Teach the network that this drawing is a {digit}</source>
        <translation>教网络：这幅画是 {digit}</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{before}&apos;&gt;■&lt;/span&gt; before · &lt;span style=&apos;color:{after}&apos;&gt;■&lt;/span&gt; after the correction</source>
        <translation>&lt;span style=&apos;color:{before}&apos;&gt;■&lt;/span&gt; 纠正前 · &lt;span style=&apos;color:{after}&apos;&gt;■&lt;/span&gt; 纠正后</translation>
    </message>
    <message>
        <source>Fine-tune on All My Digits</source>
        <translation>在全部“我的数字”上微调</translation>
    </message>
    <message>
        <source>Train a short while on the training part of your kept drawings mixed with MNIST, and compare the accuracy on their held-out part before and after</source>
        <translation>在你保存的画的训练部分（混入 MNIST）上短暂训练，并比较其留出部分在训练前后的正确率</translation>
    </message>
    <message>
        <source>&amp;Undo Correction</source>
        <translation>撤销纠正(&amp;U)</translation>
    </message>
    <message>
        <source>Put back the weights from before the last correction</source>
        <translation>恢复上一次纠正之前的权重</translation>
    </message>
    <message>
        <source>Draw a digit; if the network reads it wrong, say which digit it is.</source>
        <translation>画一个数字；如果网络认错了，告诉它是哪个数字。</translation>
    </message>
    <message>
        <source>It reads your drawing as &lt;b&gt;{digit}&lt;/b&gt; ({confidence:.0f} %).</source>
        <translation>它把你的画认作 &lt;b&gt;{digit}&lt;/b&gt;（{confidence:.0f} %）。</translation>
    </message>
    <message>
        <source>Draw a digit first.</source>
        <translation>请先画一个数字。</translation>
    </message>
    <message>
        <source>Busy with another job; try again when it is done.</source>
        <translation>正在进行另一项任务，请等它完成后再试。</translation>
    </message>
    <message>
        <source>Teaching it that this is a {label}…</source>
        <translation>正在教它这是 {label}…</translation>
    </message>
    <message>
        <source>Before: read as &lt;b&gt;{old}&lt;/b&gt; ({old_p:.0f} %). After: &lt;b&gt;{new}&lt;/b&gt; ({new_p:.0f} %), with {label} at {label_p:.0f} %.</source>
        <translation>纠正前：认作 &lt;b&gt;{old}&lt;/b&gt;（{old_p:.0f} %）。纠正后：&lt;b&gt;{new}&lt;/b&gt;（{new_p:.0f} %），{label} 的概率为 {label_p:.0f} %。</translation>
    </message>
    <message>
        <source>It could not learn this drawing as a {label} in {steps} steps, so the weights are left as they were.</source>
        <translation>它没能在 {steps} 步内学会把这幅画认作 {label}，因此权重保持不变。</translation>
    </message>
    <message>
        <source>{steps} steps. On {count:,} other MNIST digits: {guard_before:.1f} % → {guard_after:.1f} % read right. The weights are changed but not saved.</source>
        <translation>训练了 {steps} 步。在另外 {count:,} 个 MNIST 数字上的正确率：{guard_before:.1f} % → {guard_after:.1f} %。权重已改变，但尚未保存。</translation>
    </message>
    <message>
        <source>My Digits is off: {reason}</source>
        <translation>“我的数字”不可用：{reason}</translation>
    </message>
    <message>
        <source>Cannot read My Digits: {reason}</source>
        <translation>无法读取“我的数字”：{reason}</translation>
    </message>
    <message>
        <source>My Digits has no drawings with strokes to train on yet.</source>
        <translation>“我的数字”中还没有可用于训练的笔画画作。</translation>
    </message>
    <message>
        <source>Fine-tuning on {count:,} of your drawings…</source>
        <translation>正在你的 {count:,} 幅画上微调…</translation>
    </message>
    <message>
        <source>Fine-tuned on My Digits. The weights are changed but not saved.</source>
        <translation>已在“我的数字”上微调。权重已改变，但尚未保存。</translation>
    </message>
    <message>
        <source>None of your drawings is held out yet: keep more to see whether it learnt your handwriting.</source>
        <translation>你的画中还没有留出的部分：多保存一些，才能看出它是否学会了你的笔迹。</translation>
    </message>
    <message>
        <source>On your held-out drawings: {before:.1f} % → {after:.1f} % read right.</source>
        <translation>在你留出的画上：正确率 {before:.1f} % → {after:.1f} %。</translation>
    </message>
    <message>
        <source>Undone: the weights from before the correction are back.</source>
        <translation>已撤销：纠正之前的权重已恢复。</translation>
    </message>
    <message>
        <source>The correction failed: {message}. The weights are as they were.</source>
        <translation>纠正失败：{message}。权重保持不变。</translation>
    </message>
</context>
<context>
    <name>DrawingCanvas</name>
    <message>
        <source>Erase</source>
        <translation>擦除</translation>
    </message>
    <message>
        <source>Stroke</source>
        <translation>笔画</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Place Digit</source>
        <translation>放置数字</translation>
    </message>
    <message>
        <source>Draw a digit here</source>
        <translation>在这里画一个数字</translation>
    </message>
</context>
<context>
    <name>EvaluationPanel</name>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>MNIST test digits</source>
        <translation>MNIST 测试数字</translation>
    </message>
    <message>
        <source>Drawn digits</source>
        <translation>手写数字</translation>
    </message>
    <message>
        <source>My digits</source>
        <translation>我的数字</translation>
    </message>
    <message>
        <source>Drawn digits: pen digits by writers the networks never saw (UNIPEN) and MNIST&apos;s test digits as strokes, replayed on the pad at every size and brush</source>
        <translation>手写数字：网络从未见过的书写者用笔写的数字（UNIPEN），以及转成笔画的 MNIST 测试数字，以各种大小和笔刷在画板上重绘</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Read the 10,000 MNIST test digits with the current weights</source>
        <translation>用当前权重识别 10,000 个 MNIST 测试数字</translation>
    </message>
    <message>
        <source>Confusions</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>rows: &lt;b&gt;true&lt;/b&gt; digit ↓ · columns: &lt;b&gt;read as&lt;/b&gt; →</source>
        <translation>行：&lt;b&gt;真实&lt;/b&gt;数字 ↓ · 列：&lt;b&gt;认作&lt;/b&gt; →</translation>
    </message>
    <message>
        <source>% right</source>
        <translation>正确率 %</translation>
    </message>
    <message>
        <source>The share of each true digit read right; click for the ones read wrong</source>
        <translation>每个真实数字被认对的比例；点击查看认错的数字</translation>
    </message>
    <message>
        <source>Rows: the true digit. Columns: what the network read.</source>
        <translation>行：真实数字。列：网络认出的数字。</translation>
    </message>
    <message>
        <source>The weights have changed since this evaluation: Evaluate again to measure the current ones.</source>
        <translation>这次评估之后权重已经改变：请再次评估，以衡量当前的权重。</translation>
    </message>
    <message>
        <source>One network reads the drawing now: Evaluate again to measure it alone.</source>
        <translation>现在只有一个网络在读取绘图：请重新评估，单独衡量它。</translation>
    </message>
    <message>
        <source>Evaluate again to compare with {name}.</source>
        <translation>重新评估，以便与 {name} 对比。</translation>
    </message>
    <message>
        <source>The drawn digits need the UNIPEN pen data: set &lt;code&gt;DIGITPAD_UNIPEN&lt;/code&gt; to its folder.</source>
        <translation>手写数字需要 UNIPEN 笔迹数据：请把 &lt;code&gt;DIGITPAD_UNIPEN&lt;/code&gt; 设为它所在的文件夹。</translation>
    </message>
    <message>
        <source>Drawing some 14,000 digits on the pad…</source>
        <translation>正在画板上绘制约 14,000 个数字…</translation>
    </message>
    <message>
        <source>Reading them…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Reading them with {name}…</source>
        <translation>正在用 {name} 读取…</translation>
    </message>
    <message>
        <source>Reading the 10,000 test digits with the live network…</source>
        <translation>正在用当前网络读取 10,000 个测试数字…</translation>
    </message>
    <message>
        <source>Busy with another job; try again when it is done.</source>
        <translation>正在进行另一项任务，请等它完成后再试。</translation>
    </message>
    <message>
        <source>Reading the 10,000 test digits, as they are and distorted…</source>
        <translation>正在识别 10,000 个测试数字（原样的和变形的）…</translation>
    </message>
    <message>
        <source>Tracing MNIST&apos;s 10,000 test digits into strokes (once)…</source>
        <translation>正在把 MNIST 的 10,000 个测试数字描成笔画（仅此一次）…</translation>
    </message>
    <message>
        <source>My Digits is off: {reason}</source>
        <translation>“我的数字”不可用：{reason}</translation>
    </message>
    <message>
        <source>Cannot read My Digits: {reason}</source>
        <translation>无法读取“我的数字”：{reason}</translation>
    </message>
    <message>
        <source>My Digits is empty: keep some drawings first.</source>
        <translation>“我的数字”是空的：请先保存一些画。</translation>
    </message>
    <message>
        <source>Reading your {count:,} drawings…</source>
        <translation>正在识别你的 {count:,} 幅画…</translation>
    </message>
    <message>
        <source>The evaluation failed: {message}</source>
        <translation>评估失败：{message}</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;font-size:15pt; font-weight:600&apos;&gt;{accuracy:.2f} %&lt;/span&gt; right · &lt;span style=&apos;font-size:11pt&apos;&gt;{low:.1f}–{high:.1f} %&lt;/span&gt; by drawing size</source>
        <translation>&lt;span style=&apos;font-size:15pt; font-weight:600&apos;&gt;{accuracy:.2f} %&lt;/span&gt; 正确 · 按绘制大小 &lt;span style=&apos;font-size:11pt&apos;&gt;{low:.1f}–{high:.1f} %&lt;/span&gt;</translation>
    </message>
    <message>
        <source>size {bucket}: {accuracy:.2f} %</source>
        <translation>大小 {bucket}：{accuracy:.2f} %</translation>
    </message>
    <message>
        <source>brush {bucket}: {accuracy:.2f} %</source>
        <translation>笔刷 {bucket}：{accuracy:.2f} %</translation>
    </message>
    <message>
        <source>{arch} · {weights} · {count:,} drawn digits</source>
        <translation>{arch} · {weights} · {count:,} 个手写数字</translation>
    </message>
    <message>
        <source>{accuracy:.1f} % on the {count:,} held out</source>
        <translation>留出的 {count:,} 幅上 {accuracy:.1f} %</translation>
    </message>
    <message>
        <source>none held out yet</source>
        <translation>尚无留出的画</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;font-size:15pt; font-weight:600&apos;&gt;{accuracy:.2f} %&lt;/span&gt; right · &lt;span style=&apos;font-size:11pt&apos;&gt;{held_out}&lt;/span&gt;</source>
        <translation>正确率 &lt;span style=&apos;font-size:15pt; font-weight:600&apos;&gt;{accuracy:.2f} %&lt;/span&gt; · &lt;span style=&apos;font-size:11pt&apos;&gt;{held_out}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Held out: the part of your drawings training never uses, so it shows whether the network learnt your handwriting</source>
        <translation>留出：训练从不使用的那部分画，所以它能显示网络是否学会了你的笔迹</translation>
    </message>
    <message>
        <source>{arch} · {weights} · {count:,} of your drawings</source>
        <translation>{arch} · {weights} · 你的 {count:,} 幅画</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;font-size:15pt; font-weight:600&apos;&gt;{accuracy:.2f} %&lt;/span&gt; right · &lt;span style=&apos;font-size:11pt&apos;&gt;{perturbed:.1f} %&lt;/span&gt; on distorted digits</source>
        <translation>正确率 &lt;span style=&apos;font-size:15pt; font-weight:600&apos;&gt;{accuracy:.2f} %&lt;/span&gt; · 变形数字上 &lt;span style=&apos;font-size:11pt&apos;&gt;{perturbed:.1f} %&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Distorted: the test digits shifted, scaled, rotated, slanted, thicker or thinner ({how})</source>
        <translation>变形：测试数字经过平移、缩放、旋转、倾斜、加粗或变细（{how}）</translation>
    </message>
    <message>
        <source>{arch} · {weights} · {count:,} MNIST test digits</source>
        <translation>{arch} · {weights} · {count:,} 个 MNIST 测试数字</translation>
    </message>
    <message>
        <source>{count:,} test digits {true} read right</source>
        <translation>{count:,} 个测试数字 {true} 被认对</translation>
    </message>
    <message>
        <source>{count:,} test digits {true} read as {read}</source>
        <translation>{count:,} 个测试数字 {true} 被认作 {read}</translation>
    </message>
    <message>
        <source>{share:.2f} % of the test digits {true} read right</source>
        <translation>测试数字 {true} 中有 {share:.2f} % 被认对</translation>
    </message>
    <message>
        <source>Test digit #{index}: a {true}, read as {read}</source>
        <translation>测试数字 #{index}：是 {true}，被认作 {read}</translation>
    </message>
    <message>
        <source>{count:,} test digits {true} read wrong</source>
        <translation>{count:,} 个测试数字 {true} 被认错</translation>
    </message>
    <message>
        <source> (the first {shown})</source>
        <translation>（前 {shown} 个）</translation>
    </message>
    <message>
        <source>click one to put it on the pad</source>
        <translation>点击一个数字，把它放到画板上</translation>
    </message>
    <message>
        <source>Test digit #{index} (a {true}, read as {read} in the evaluation) is on the pad; Undo brings your drawing back.</source>
        <translation>测试数字 #{index}（是 {true}，评估时被认作 {read}）已放到画板上；撤销可恢复你的画。</translation>
    </message>
    <message>
        <source>Where they disagree</source>
        <translation>两者意见不一之处</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{colour}&apos;&gt;■&lt;/span&gt; &lt;b&gt;{name}&lt;/b&gt;: &lt;span style=&apos;font-size:13pt; font-weight:600&apos;&gt;{second:.2f} %&lt;/span&gt; right, the live network {first:.2f} %</source>
        <translation>&lt;span style=&apos;color:{colour}&apos;&gt;■&lt;/span&gt; &lt;b&gt;{name}&lt;/b&gt;：正确率 &lt;span style=&apos;font-size:13pt; font-weight:600&apos;&gt;{second:.2f} %&lt;/span&gt;，当前网络 {first:.2f} %</translation>
    </message>
    <message>
        <source>McNemar&apos;s test on the paired results: b = {b:,} digits only the live network reads right, c = {c:,} only {name} reads right ({method})</source>
        <translation>配对结果的 McNemar 检验：b = {b:,} 个数字只有当前网络读对，c = {c:,} 个只有 {name} 读对（{method}）</translation>
    </message>
    <message>
        <source>They read {count:,} digits differently</source>
        <translation>两者对 {count:,} 个数字的读法不同</translation>
    </message>
    <message>
        <source>the exact binomial test, as b + c is small</source>
        <translation>精确二项检验，因为 b + c 较小</translation>
    </message>
    <message>
        <source>the chi-square test with continuity correction, χ² = {statistic:.2f}</source>
        <translation>带连续性校正的卡方检验，χ² = {statistic:.2f}</translation>
    </message>
    <message>
        <source>Every digit one network reads right the other does too: no difference to test.</source>
        <translation>一个网络读对的数字，另一个也都读对：没有差异可检验。</translation>
    </message>
    <message>
        <source>the live network</source>
        <translation>当前网络</translation>
    </message>
    <message>
        <source>The difference is likely more than chance ({p}): {better} reads better here.</source>
        <translation>这一差异很可能不只是偶然（{p}）：{better} 在这里读得更好。</translation>
    </message>
    <message>
        <source>The difference could well be chance ({p}).</source>
        <translation>这一差异很可能只是偶然（{p}）。</translation>
    </message>
    <message>
        <source>A {true}: the live network reads {first}, {name} reads {second}</source>
        <translation>一个 {true}：当前网络读作 {first}，{name} 读作 {second}</translation>
    </message>
    <message>
        <source>{what} in the evaluation: it is on the pad; Undo brings your drawing back.</source>
        <translation>{what}（在评估中）：它已放到画板上；撤销可恢复你的绘图。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{muted}&apos;&gt;Not evaluated yet&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:{muted}&apos;&gt;尚未评估&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Measure the current weights on the 10,000 MNIST test digits they never trained on.</source>
        <translation>在 10,000 个从未用于训练的 MNIST 测试数字上衡量当前的权重。</translation>
    </message>
    <message>
        <source>Click a cell of the matrix to see its digits.</source>
        <translation>点击矩阵中的单元格，查看其中的数字。</translation>
    </message>
</context>
<context>
    <name>EvidencePanel</name>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Top</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Explain the digit the network reads</source>
        <translation>解释网络认出的数字</translation>
    </message>
    <message>
        <source>Explain the score of {digit}</source>
        <translation>解释 {digit} 的得分</translation>
    </message>
    <message>
        <source>Best available</source>
        <translation>最佳可用</translation>
    </message>
    <message>
        <source>Exact split</source>
        <translation>精确分解</translation>
    </message>
    <message>
        <source>Grad-CAM</source>
        <translation>Grad-CAM</translation>
    </message>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>How the evidence is computed</source>
        <translation>证据的计算方法</translation>
    </message>
    <message>
        <source>The layer Grad-CAM weighs</source>
        <translation>Grad-CAM 加权的层</translation>
    </message>
    <message>
        <source>On the pad</source>
        <translation>显示在画板上</translation>
    </message>
    <message>
        <source>Also colour the pad itself, under your strokes</source>
        <translation>同时给画板本身着色，位于你的笔画下方</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:{colour}&apos;&gt;{name}&lt;/b&gt;</source>
        <translation>&lt;b style=&apos;color:{colour}&apos;&gt;{name}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;{arch}&lt;/b&gt; (live)</source>
        <translation>&lt;b&gt;{arch}&lt;/b&gt;（当前）</translation>
    </message>
    <message>
        <source>Automatic ({layer})</source>
        <translation>自动（{layer}）</translation>
    </message>
    <message>
        <source>exact</source>
        <translation>精确分解</translation>
    </message>
    <message>
        <source>saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>{name} finds no digit here</source>
        <translation>{name} 在这里找不到数字</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{colour}&apos;&gt;{name}&lt;/span&gt;: &lt;b&gt;{method}&lt;/b&gt;, logit({digit}) = &lt;b&gt;{logit:.2f}&lt;/b&gt; · each map on its own scale</source>
        <translation>&lt;span style=&apos;color:{colour}&apos;&gt;{name}&lt;/span&gt;：&lt;b&gt;{method}&lt;/b&gt;，logit({digit}) = &lt;b&gt;{logit:.2f}&lt;/b&gt; · 每张图各用自己的色阶</translation>
    </message>
    <message>
        <source>Draw a digit: red marks the strokes that raise a digit&apos;s score, blue those that lower it.</source>
        <translation>画一个数字：红色标出提高某个数字得分的笔画，蓝色标出降低得分的笔画。</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{red}&apos;&gt;red&lt;/span&gt; raises {digit}, &lt;span style=&apos;color:{blue}&apos;&gt;blue&lt;/span&gt; lowers it</source>
        <translation>&lt;span style=&apos;color:{red}&apos;&gt;红色&lt;/span&gt;提高 {digit} 的得分，&lt;span style=&apos;color:{blue}&apos;&gt;蓝色&lt;/span&gt;降低它</translation>
    </message>
    <message>
        <source>&lt;b&gt;exact&lt;/b&gt;: logit = scale·(W·h + b) over {height}×{width} cells of &lt;i&gt;{layer}&lt;/i&gt;&lt;br&gt;logit({digit}) = &lt;b&gt;{cells:+.2f}&lt;/b&gt; cells &lt;b&gt;{bias:+.2f}&lt;/b&gt; bias = &lt;b&gt;{logit:.2f}&lt;/b&gt;&lt;br&gt;{colours} · channels {channels}</source>
        <translation>&lt;b&gt;精确&lt;/b&gt;：logit = scale·(W·h + b)，分解到 &lt;i&gt;{layer}&lt;/i&gt; 的 {height}×{width} 个单元&lt;br&gt;logit({digit}) = &lt;b&gt;{cells:+.2f}&lt;/b&gt;（单元）&lt;b&gt;{bias:+.2f}&lt;/b&gt;（偏置）= &lt;b&gt;{logit:.2f}&lt;/b&gt;&lt;br&gt;{colours} · 通道 {channels}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Grad-CAM&lt;/b&gt; on &lt;i&gt;{layer}&lt;/i&gt;: channels weighted by mean gradient, an approximation</source>
        <translation>&lt;i&gt;{layer}&lt;/i&gt; 上的 &lt;b&gt;Grad-CAM&lt;/b&gt;：各通道按平均梯度加权，是一种近似</translation>
    </message>
    <message>
        <source>&lt;b&gt;saliency&lt;/b&gt;: gradient × ink on the 28×28 input, an approximation</source>
        <translation>&lt;b&gt;显著性&lt;/b&gt;：28×28 输入上的梯度 × 墨迹，是一种近似</translation>
    </message>
    <message>
        <source>{how}&lt;br&gt;logit({digit}) = &lt;b&gt;{logit:.2f}&lt;/b&gt;&lt;br&gt;{colours}</source>
        <translation>{how}&lt;br&gt;logit({digit}) = &lt;b&gt;{logit:.2f}&lt;/b&gt;&lt;br&gt;{colours}</translation>
    </message>
</context>
<context>
    <name>FeatureMapsPanel</name>
    <message>
        <source>Feature maps</source>
        <translation>特征图</translation>
    </message>
    <message>
        <source>Convolutions</source>
        <translation>卷积层</translation>
    </message>
    <message>
        <source>Convolutions, ReLU and pooling</source>
        <translation>卷积层、ReLU 和池化</translation>
    </message>
    <message>
        <source>Which captured layers to show</source>
        <translation>显示哪些已捕获的层</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; · {type}&lt;br&gt;&lt;span style=&apos;font-size:8pt&apos;&gt;{shape} · colours {low:.2g} … {high:.2g}&lt;/span&gt;</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; · {type}&lt;br&gt;&lt;span style=&apos;font-size:8pt&apos;&gt;{shape} · 颜色 {low:.2g} … {high:.2g}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>input [28×28]</source>
        <translation>输入 [28×28]</translation>
    </message>
    <message>
        <source>{name} · channel {channel} [{height}×{width}]</source>
        <translation>{name} · 通道 {channel} [{height}×{width}]</translation>
    </message>
    <message>
        <source>No model.</source>
        <translation>没有模型。</translation>
    </message>
    <message>
        <source>No digit yet: draw one and every map follows each stroke.</source>
        <translation>还没有数字：画一个，每张特征图都会随每一笔变化。</translation>
    </message>
    <message>
        <source>Outputs of the last forward pass, captured by forward hooks.</source>
        <translation>上一次前向传播的输出，由前向钩子捕获。</translation>
    </message>
    <message>
        <source> This model calls ReLU as a function (no module to hook), so its effect shows in the next module&apos;s output: pooling of the ReLU&apos;d maps.</source>
        <translation>这个模型以函数形式调用 ReLU（没有可挂钩子的模块），所以它的效果体现在下一个模块的输出中：对经过 ReLU 的特征图做池化。</translation>
    </message>
    <message>
        <source>Hover a map to read its values; click one to enlarge it.</source>
        <translation>将鼠标悬停在特征图上可读取数值；点击可将其放大。</translation>
    </message>
    <message>
        <source>{name} · channel {channel} · y {y}, x {x} · value {value:.4g}</source>
        <translation>{name} · 通道 {channel} · y {y}，x {x} · 值 {value:.4g}</translation>
    </message>
    <message>
        <source>input · y {y}, x {x} · value {value:.4g} (ink {ink:.2f})</source>
        <translation>输入 · y {y}，x {x} · 值 {value:.4g}（墨迹 {ink:.2f}）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Ignored unreadable settings: {keys} (defaults used)</source>
        <translation>已忽略无法读取的设置：{keys}（使用默认值）</translation>
    </message>
    <message>
        <source>My Digits is off: {reason}. Everything else works.</source>
        <translation>“我的数字”不可用：{reason}。其他功能照常可用。</translation>
    </message>
    <message>
        <source>edited: {names}</source>
        <translation>已编辑：{names}</translation>
    </message>
    <message>
        <source>Drawing</source>
        <translation>绘图</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>{action}: {what}</source>
        <translation>{action}：{what}</translation>
    </message>
    <message>
        <source> Brush </source>
        <translation> 画笔 </translation>
    </message>
    <message>
        <source>Brush size ([ and ] change it)</source>
        <translation>画笔大小（用 [ 和 ] 调整）</translation>
    </message>
    <message>
        <source>Teaching</source>
        <translation>教学</translation>
    </message>
    <message>
        <source>Keep As</source>
        <translation>保存为</translation>
    </message>
    <message>
        <source> Keep as </source>
        <translation> 保存为 </translation>
    </message>
    <message>
        <source>Parameters changed since the weights were loaded (Model ▸ Restore Loaded Weights)</source>
        <translation>自加载权重以来被修改过的参数（模型 ▸ 恢复加载时的权重）</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Cannot open weights</source>
        <translation>无法打开权重</translation>
    </message>
    <message>
        <source>{reason}

The model keeps its current weights.</source>
        <translation>{reason}

模型保留当前的权重。</translation>
    </message>
    <message>
        <source>Another version of the network</source>
        <translation>网络的另一个版本</translation>
    </message>
    <message>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <source>Cannot save weights</source>
        <translation>无法保存权重</translation>
    </message>
    <message>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <source>Cannot open the shipped weights</source>
        <translation>无法打开自带权重</translation>
    </message>
    <message>
        <source>{reason}

{arch} starts with random weights.</source>
        <translation>{reason}

{arch} 将使用随机权重。</translation>
    </message>
    <message>
        <source>No shipped weights</source>
        <translation>没有自带权重</translation>
    </message>
    <message>
        <source>digitpad has no shipped weights for {arch} (looked for {path}). The model keeps its current weights.</source>
        <translation>digitpad 没有 {arch} 的自带权重（查找位置：{path}）。模型保留当前的权重。</translation>
    </message>
    <message>
        <source>Open Weights</source>
        <translation>打开权重</translation>
    </message>
    <message>
        <source>Save Weights As</source>
        <translation>权重另存为</translation>
    </message>
    <message>
        <source>{name} is in the folder of the weights shipped with digitpad; choose another folder.</source>
        <translation>{name} 位于 digitpad 自带权重的文件夹中；请选择其他文件夹。</translation>
    </message>
    <message>
        <source>Weights (*.pt *.pth *.safetensors);;All files (*)</source>
        <translation>权重文件 (*.pt *.pth *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save the edited weights?</source>
        <translation>保存编辑后的权重吗？</translation>
    </message>
    <message>
        <source>You changed {names} since the weights were loaded. Save the weights with your edits, or as they were loaded?</source>
        <translation>自加载权重以来，你修改了 {names}。要保存包含这些编辑的权重，还是保存加载时的权重？</translation>
    </message>
    <message>
        <source>Save Edited</source>
        <translation>保存编辑后的</translation>
    </message>
    <message>
        <source>Save As Loaded</source>
        <translation>保存加载时的</translation>
    </message>
    <message>
        <source>Restored the loaded weights of {names}</source>
        <translation>已恢复 {names} 加载时的权重</translation>
    </message>
    <message>
        <source>Comparing with {name}: both networks read every drawing (Model ▸ Stop Comparing)</source>
        <translation>正在与 {name} 对比：两个网络都读取每一幅绘图（模型 ▸ 停止对比）</translation>
    </message>
    <message>
        <source>Cannot compare</source>
        <translation>无法对比</translation>
    </message>
    <message>
        <source>{reason}

Nothing was changed.</source>
        <translation>{reason}

未做任何更改。</translation>
    </message>
    <message>
        <source>{weights} as loaded</source>
        <translation>加载时的 {weights}</translation>
    </message>
    <message>
        <source>Cannot compare with these weights</source>
        <translation>无法与这些权重对比</translation>
    </message>
    <message>
        <source>Compare With Weights</source>
        <translation>与权重对比</translation>
    </message>
    <message>
        <source>One network reads the drawing again</source>
        <translation>又只有一个网络在读取绘图</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>没有可导出的内容</translation>
    </message>
    <message>
        <source>Draw a digit first: an export saves what the network made of it.</source>
        <translation>请先画一个数字：导出保存的是网络对它的识别结果。</translation>
    </message>
    <message>
        <source>Export Reading To a New Folder</source>
        <translation>把识别结果导出到新文件夹</translation>
    </message>
    <message>
        <source>Folder (*)</source>
        <translation>文件夹 (*)</translation>
    </message>
    <message>
        <source>Cannot export the reading</source>
        <translation>无法导出识别结果</translation>
    </message>
    <message>
        <source>{reason}

Nothing else was changed.</source>
        <translation>{reason}

其他内容均未改变。</translation>
    </message>
    <message>
        <source>Exported {count} files to {folder}</source>
        <translation>已将 {count} 个文件导出到 {folder}</translation>
    </message>
    <message>
        <source>Not kept: {reason}</source>
        <translation>未保存：{reason}</translation>
    </message>
    <message>
        <source>Kept as a {digit} in My Digits ({count:,} {digit}s, {total:,} in all)</source>
        <translation>已作为 {digit} 保存到“我的数字”（{digit} 共 {count:,} 个，总计 {total:,} 个）</translation>
    </message>
    <message>
        <source>My Digits</source>
        <translation>我的数字</translation>
    </message>
    <message>
        <source>My Digits is off: {reason}</source>
        <translation>“我的数字”不可用：{reason}</translation>
    </message>
    <message>
        <source>Collect Digits</source>
        <translation>收集数字</translation>
    </message>
    <message>
        <source>Whose digits? Each person&apos;s drawings go to a collection of their own.</source>
        <translation>这是谁的数字？每个人的画都放进各自的合集。</translation>
    </message>
    <message>
        <source>Collect mode stopped: {kept:,} drawings kept.</source>
        <translation>收集模式已停止：保存了 {kept:,} 幅画。</translation>
    </message>
    <message>
        <source>Staying on {device}: {reason}.</source>
        <translation>仍使用 {device}：{reason}。</translation>
    </message>
    <message>
        <source>Device not changed</source>
        <translation>设备未更改</translation>
    </message>
    <message>
        <source>⚠  {arch} has random, untrained weights: its predictions mean nothing until you open trained weights (File ▸ Open Weights…) or train it.</source>
        <translation>⚠  {arch} 的权重是随机的，未经训练：在你打开训练好的权重（文件 ▸ 打开权重…）或训练它之前，它的预测没有意义。</translation>
    </message>
    <message>
        <source>Train…</source>
        <translation>训练…</translation>
    </message>
    <message>
        <source>Use {arch}, with random weights</source>
        <translation>使用 {arch}，权重随机</translation>
    </message>
    <message>
        <source>{arch} ({origin})</source>
        <translation>{arch}（{origin}）</translation>
    </message>
    <message>
        <source>random weights</source>
        <translation>随机权重</translation>
    </message>
    <message>
        <source>no provenance recorded</source>
        <translation>没有来源记录</translation>
    </message>
    <message>
        <source>About digitpad</source>
        <translation>关于 digitpad</translation>
    </message>
    <message>
        <source>&lt;p&gt;Draw a digit and watch a small convolutional network read it, live.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Model:&lt;/b&gt; {arch}, {parameters:,} parameters, on {device}&lt;br&gt;&lt;b&gt;Weights:&lt;/b&gt; {weights}&lt;br&gt;&lt;b&gt;Provenance:&lt;/b&gt; {provenance}&lt;/p&gt;</source>
        <translation>&lt;p&gt;画一个数字，实时观察一个小型卷积神经网络如何识别它。&lt;/p&gt;&lt;p&gt;&lt;b&gt;模型：&lt;/b&gt;{arch}，{parameters:,} 个参数，运行于 {device}&lt;br&gt;&lt;b&gt;权重：&lt;/b&gt;{weights}&lt;br&gt;&lt;b&gt;来源：&lt;/b&gt;{provenance}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>digitpad shows the language you chose the next time it starts.</source>
        <translation>digitpad 下次启动时将使用你选择的语言。</translation>
    </message>
    <message>
        <source>Restart Now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>The weights have changed since they were loaded or saved.</source>
        <translation>权重在加载或保存之后已经改变。</translation>
    </message>
    <message>
        <source>A job is still training the network.</source>
        <translation>仍有任务在训练网络。</translation>
    </message>
    <message>
        <source>Save the changed weights?</source>
        <translation>保存已改变的权重吗？</translation>
    </message>
    <message>
        <source>Save them before quitting?</source>
        <translation>退出前保存它们吗？</translation>
    </message>
    <message>
        <source>Restore unsaved weights?</source>
        <translation>恢复未保存的权重吗？</translation>
    </message>
    <message>
        <source>digitpad closed last time with weights that were never saved. Restore them?</source>
        <translation>digitpad 上次关闭时有从未保存的权重。要恢复它们吗？</translation>
    </message>
    <message>
        <source>Cannot restore the unsaved weights</source>
        <translation>无法恢复未保存的权重</translation>
    </message>
    <message>
        <source>restored unsaved weights</source>
        <translation>已恢复的未保存权重</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Undo {what}</source>
        <translation>撤销{what}(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Redo {what}</source>
        <translation>重做{what}(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>清除(&amp;C)</translation>
    </message>
    <message>
        <source>Wipe the pad (undoable)</source>
        <translation>清空画板（可撤销）</translation>
    </message>
    <message>
        <source>&amp;Eraser</source>
        <translation>橡皮擦(&amp;E)</translation>
    </message>
    <message>
        <source>Erase with the left button (the right button always erases)</source>
        <translation>用左键擦除（右键始终是擦除）</translation>
    </message>
    <message>
        <source>&amp;Smaller Brush</source>
        <translation>缩小画笔(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Larger Brush</source>
        <translation>放大画笔(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Open Weights…</source>
        <translation>打开权重(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a weights file</source>
        <translation>打开权重文件</translation>
    </message>
    <message>
        <source>Save Weights &amp;As…</source>
        <translation>权重另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the model&apos;s current weights to a file</source>
        <translation>把模型当前的权重保存到文件</translation>
    </message>
    <message>
        <source>Re&amp;vert to Shipped Weights</source>
        <translation>恢复为自带权重(&amp;V)</translation>
    </message>
    <message>
        <source>Load the weights that came with digitpad</source>
        <translation>加载 digitpad 自带的权重</translation>
    </message>
    <message>
        <source>&amp;Export Reading…</source>
        <translation>导出识别结果(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the drawing, the 28 × 28 input, the feature maps, the evidence and the probabilities in a folder</source>
        <translation>把画、28 × 28 输入、特征图、证据和概率保存到一个文件夹</translation>
    </message>
    <message>
        <source>Open &amp;Network…</source>
        <translation>打开网络(&amp;N)…</translation>
    </message>
    <message>
        <source>Open a network of your own: a Python file (its code runs) or an ONNX file</source>
        <translation>打开你自己的网络：Python 文件（会运行其代码）或 ONNX 文件</translation>
    </message>
    <message>
        <source>&amp;ONNX…</source>
        <translation>&amp;ONNX…</translation>
    </message>
    <message>
        <source>Write the live network, edits included, as an ONNX file</source>
        <translation>将当前网络（包括修改）写为 ONNX 文件</translation>
    </message>
    <message>
        <source>&amp;safetensors…</source>
        <translation>&amp;safetensors…</translation>
    </message>
    <message>
        <source>Write the live weights as a .safetensors file</source>
        <translation>将当前权重写为 .safetensors 文件</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Export Ne&amp;twork</source>
        <translation>导出网络(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;About digitpad</source>
        <translation>关于 digitpad(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Use {arch}, with its shipped weights if there are any</source>
        <translation>使用 {arch}，如有自带权重则一并加载</translation>
    </message>
    <message>
        <source>Restore &amp;Loaded Weights</source>
        <translation>恢复加载时的权重(&amp;L)</translation>
    </message>
    <message>
        <source>Undo every what-if edit: the weights exactly as they were loaded</source>
        <translation>撤销所有假设性编辑：权重与加载时完全相同</translation>
    </message>
    <message>
        <source>CUDA (unavailable)</source>
        <translation>CUDA（不可用）</translation>
    </message>
    <message>
        <source>CUDA cannot be used: {reason}</source>
        <translation>无法使用 CUDA：{reason}</translation>
    </message>
    <message>
        <source>&amp;Train…</source>
        <translation>训练(&amp;T)…</translation>
    </message>
    <message>
        <source>Train a network on MNIST and watch it learn</source>
        <translation>在 MNIST 上训练网络，观察它如何学习</translation>
    </message>
    <message>
        <source>C&amp;orrect It…</source>
        <translation>纠正(&amp;K)…</translation>
    </message>
    <message>
        <source>E&amp;valuate…</source>
        <translation>评估(&amp;V)…</translation>
    </message>
    <message>
        <source>Compare &amp;With</source>
        <translation>对比对象(&amp;W)</translation>
    </message>
    <message>
        <source>{arch} (shipped weights)</source>
        <translation>{arch}（自带权重）</translation>
    </message>
    <message>
        <source>A second network, {arch} with its shipped weights, reads every drawing too</source>
        <translation>第二个网络（带自带权重的 {arch}）也读取每一幅绘图</translation>
    </message>
    <message>
        <source>The Weights As &amp;Loaded</source>
        <translation>加载时的权重(&amp;L)</translation>
    </message>
    <message>
        <source>Compare the live weights with themselves as loaded: what your edits, corrections or training changed</source>
        <translation>将当前权重与加载时的权重对比：看你的编辑、纠正或训练改变了什么</translation>
    </message>
    <message>
        <source>Weights &amp;File…</source>
        <translation>权重文件(&amp;F)…</translation>
    </message>
    <message>
        <source>A second network from a weights file reads every drawing too</source>
        <translation>来自权重文件的第二个网络也读取每一幅绘图</translation>
    </message>
    <message>
        <source>&amp;Network of Your Own…</source>
        <translation>自己的网络(&amp;N)…</translation>
    </message>
    <message>
        <source>A network from a Python file (and its weights) or an ONNX file reads every drawing too</source>
        <translation>来自 Python 文件（及其权重）或 ONNX 文件的网络也读取每一幅画</translation>
    </message>
    <message>
        <source>Read wrong? Tell the network what you drew and it learns from it</source>
        <translation>认错了？告诉网络你画的是什么，它会从中学习</translation>
    </message>
    <message>
        <source>Measure the current weights on the MNIST test set: accuracy, confusions, examples</source>
        <translation>在 MNIST 测试集上衡量当前的权重：准确率、混淆情况和示例</translation>
    </message>
    <message>
        <source>&amp;Stop Comparing</source>
        <translation>停止对比(&amp;S)</translation>
    </message>
    <message>
        <source>Back to one network reading the drawing</source>
        <translation>回到只有一个网络读取绘图</translation>
    </message>
    <message>
        <source>Evaluate &amp;Both Networks…</source>
        <translation>评估两个网络(&amp;B)…</translation>
    </message>
    <message>
        <source>Both networks read the same test digits: both accuracies, the digits they read differently, and whether the difference is more than chance</source>
        <translation>两个网络读取同一批测试数字：两者的正确率、读法不同的数字，以及差异是否超出偶然</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Device</source>
        <translation>设备(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Architecture</source>
        <translation>架构(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Preprocessing Steps</source>
        <translation>预处理步骤(&amp;P)</translation>
    </message>
    <message>
        <source>Show how the drawing becomes the 28 × 28 input</source>
        <translation>显示画是如何变成 28 × 28 输入的</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>random initial weights</source>
        <translation>随机初始权重</translation>
    </message>
    <message>
        <source>test accuracy {:.2f} %</source>
        <translation>测试准确率 {:.2f} %</translation>
    </message>
    <message>
        <source>{} epochs</source>
        <translation>{} 轮</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>Keep As {digit}</source>
        <translation>保存为 {digit}</translation>
    </message>
    <message>
        <source>Keep the drawing in My Digits as a {digit}</source>
        <translation>把这幅画作为 {digit} 保存到“我的数字”</translation>
    </message>
    <message>
        <source>&amp;Collect…</source>
        <translation>收集(&amp;C)…</translation>
    </message>
    <message>
        <source>Ask for digits in a random order and keep each one under a person&apos;s name</source>
        <translation>按随机顺序请求数字，并把每一幅保存在某个人的名下</translation>
    </message>
    <message>
        <source>&amp;Keep Drawing As</source>
        <translation>保存画为(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Digits</source>
        <translation>数字(&amp;D)</translation>
    </message>
</context>
<context>
    <name>MyDigitsPanel</name>
    <message>
        <source>My Digits</source>
        <translation>我的数字</translation>
    </message>
    <message>
        <source>All digits</source>
        <translation>全部数字</translation>
    </message>
    <message>
        <source>Only {digit}s</source>
        <translation>只看 {digit}</translation>
    </message>
    <message>
        <source>Show one collection (one per person in Collect mode)</source>
        <translation>只显示一个合集（收集模式下每人一个）</translation>
    </message>
    <message>
        <source>Misread</source>
        <translation>认错的</translation>
    </message>
    <message>
        <source>Only the drawings the live network reads wrong</source>
        <translation>只显示当前网络认错的画</translation>
    </message>
    <message>
        <source>Relabel</source>
        <translation>改标签</translation>
    </message>
    <message>
        <source>Give the selected drawing another digit (or press a digit key in the grid)</source>
        <translation>给选中的画换一个数字（或在网格中按数字键）</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete the selected drawing (undoable)</source>
        <translation>删除选中的画（可撤销）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Collect…</source>
        <translation>收集…</translation>
    </message>
    <message>
        <source>Ask for digits in a random order and keep each one under a person&apos;s name</source>
        <translation>按随机顺序请求数字，并把每一幅保存在某个人的名下</translation>
    </message>
    <message>
        <source>Export / Import</source>
        <translation>导出 / 导入</translation>
    </message>
    <message>
        <source>Export as PNG Folder + labels.csv…</source>
        <translation>导出为 PNG 文件夹 + labels.csv…</translation>
    </message>
    <message>
        <source>Export as MNIST IDX Files…</source>
        <translation>导出为 MNIST IDX 文件…</translation>
    </message>
    <message>
        <source>Export as JSON Strokes…</source>
        <translation>导出为 JSON 笔画…</translation>
    </message>
    <message>
        <source>Import PNG Folder with labels.csv…</source>
        <translation>导入带 labels.csv 的 PNG 文件夹…</translation>
    </message>
    <message>
        <source>Import MNIST IDX Files…</source>
        <translation>导入 MNIST IDX 文件…</translation>
    </message>
    <message>
        <source>Import JSON Strokes…</source>
        <translation>导入 JSON 笔画…</translation>
    </message>
    <message>
        <source>My Digits is not available.</source>
        <translation>“我的数字”不可用。</translation>
    </message>
    <message>
        <source>The collection cannot be used: {reason}. digitpad works without it and leaves the file as it is.</source>
        <translation>无法使用该合集：{reason}。digitpad 在没有它的情况下照常工作，并保持该文件原样。</translation>
    </message>
    <message>
        <source>Cannot read the collection: {reason}</source>
        <translation>无法读取合集：{reason}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{total:,}&lt;/b&gt; drawings · </source>
        <translation>共 &lt;b&gt;{total:,}&lt;/b&gt; 幅 · </translation>
    </message>
    <message>
        <source>No drawings here yet. Keep one with the Keep As buttons (Ctrl+Alt+digit), Correct It or Collect….</source>
        <translation>这里还没有画。可用“保存为”按钮（Ctrl+Alt+数字）、“纠正”或“收集…”保存。</translation>
    </message>
    <message>
        <source>{count:,} shown · click one to put it on the pad</source>
        <translation>显示 {count:,} 幅 · 点击一幅把它放到画板上</translation>
    </message>
    <message>
        <source>All collections</source>
        <translation>全部合集</translation>
    </message>
    <message>
        <source>, read as {reading} by {network}</source>
        <translation>，{network} 认作 {reading}</translation>
    </message>
    <message>
        <source>held out</source>
        <translation>留出</translation>
    </message>
    <message>
        <source>for training</source>
        <translation>用于训练</translation>
    </message>
    <message>
        <source>A {label} in {collection}, {created}{read} · {part}</source>
        <translation>{collection} 中的 {label}，{created}{read} · {part}</translation>
    </message>
    <message>
        <source>Your {label} is on the pad; Undo brings your drawing back.</source>
        <translation>你的 {label} 已放到画板上；撤销可恢复你的画。</translation>
    </message>
    <message>
        <source>Not changed: {reason}</source>
        <translation>未更改：{reason}</translation>
    </message>
    <message>
        <source>Relabel {old} as {new}</source>
        <translation>把 {old} 改标为 {new}</translation>
    </message>
    <message>
        <source>Relabelled a {old} as {new}</source>
        <translation>已把一个 {old} 改标为 {new}</translation>
    </message>
    <message>
        <source>Delete a {label}</source>
        <translation>删除一个 {label}</translation>
    </message>
    <message>
        <source>Deleted a {label} (Undo in My Digits brings it back)</source>
        <translation>已删除一个 {label}（在“我的数字”中撤销可恢复）</translation>
    </message>
    <message>
        <source>Export My Digits</source>
        <translation>导出“我的数字”</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Export My Digits To Folder</source>
        <translation>把“我的数字”导出到文件夹</translation>
    </message>
    <message>
        <source>Import Drawings</source>
        <translation>导入画</translation>
    </message>
    <message>
        <source>Import Drawings From Folder</source>
        <translation>从文件夹导入画</translation>
    </message>
    <message>
        <source>Nothing to export: no drawings are shown.</source>
        <translation>没有可导出的内容：当前没有显示任何画。</translation>
    </message>
    <message>
        <source>Exported {count:,} drawings to {path}</source>
        <translation>已把 {count:,} 幅画导出到 {path}</translation>
    </message>
    <message>
        <source>Exporting {count:,} drawings…</source>
        <translation>正在导出 {count:,} 幅画…</translation>
    </message>
    <message>
        <source>Importing {path}…</source>
        <translation>正在导入 {path}…</translation>
    </message>
    <message>
        <source>{added:,} drawings added, {there:,} already there</source>
        <translation>新增 {added:,} 幅，{there:,} 幅已存在</translation>
    </message>
    <message>
        <source>Nothing was changed: {reason}</source>
        <translation>没有任何更改：{reason}</translation>
    </message>
    <message>
        <source>Busy with another job; try again when it is done.</source>
        <translation>正在进行另一项任务，请等它完成后再试。</translation>
    </message>
</context>
<context>
    <name>NetworkDialogs</name>
    <message>
        <source>Open Network</source>
        <translation>打开网络</translation>
    </message>
    <message>
        <source>Networks (*.py *.onnx);;Python files (*.py);;ONNX files (*.onnx);;All files (*)</source>
        <translation>网络 (*.py *.onnx);;Python 文件 (*.py);;ONNX 文件 (*.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot open the network</source>
        <translation>无法打开网络</translation>
    </message>
    <message>
        <source>weights from {file}</source>
        <translation>来自 {file} 的权重</translation>
    </message>
    <message>
        <source>Opened {network}, {parameters:,} parameters</source>
        <translation>已打开 {network}，共 {parameters:,} 个参数</translation>
    </message>
    <message>
        <source>The live network stays as it was.</source>
        <translation>当前网络保持不变。</translation>
    </message>
    <message>
        <source>{reason}

{keeps}</source>
        <translation>{reason}

{keeps}</translation>
    </message>
    <message>
        <source>Compare With a Network</source>
        <translation>与一个网络对比</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>没有任何改动。</translation>
    </message>
    <message>
        <source>Weights for {network} (Cancel: untrained)</source>
        <translation>{network} 的权重（取消：未训练）</translation>
    </message>
    <message>
        <source>{network} (untrained)</source>
        <translation>{network}（未训练）</translation>
    </message>
    <message>
        <source>Run this Python file?</source>
        <translation>运行这个 Python 文件？</translation>
    </message>
    <message>
        <source>Opening {name} runs the Python code in it, with your permissions, as “python {name}” would. Open only files you wrote or trust.</source>
        <translation>打开 {name} 会以你的权限运行其中的 Python 代码，就像“python {name}”一样。只打开你自己写的或信任的文件。</translation>
    </message>
    <message>
        <source>digitpad remembers your answer for this content of the file, and asks again when it changes.</source>
        <translation>digitpad 会针对该文件的这份内容记住你的回答，文件内容改变后会再次询问。</translation>
    </message>
    <message>
        <source>Run and Open</source>
        <translation>运行并打开</translation>
    </message>
    <message>
        <source>{name} has no nn.Module class that takes no arguments, nor a function of no arguments annotated to return one</source>
        <translation>{name} 中没有无需参数的 nn.Module 类，也没有标注返回 nn.Module 的无参数函数</translation>
    </message>
    <message>
        <source>{name} defines several networks. Which one?</source>
        <translation>{name} 定义了多个网络。打开哪一个？</translation>
    </message>
    <message>
        <source>Export Network as ONNX</source>
        <translation>将网络导出为 ONNX</translation>
    </message>
    <message>
        <source>ONNX networks (*.onnx);;All files (*)</source>
        <translation>ONNX 网络 (*.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export Weights as safetensors</source>
        <translation>将权重导出为 safetensors</translation>
    </message>
    <message>
        <source>safetensors weights (*.safetensors);;All files (*)</source>
        <translation>safetensors 权重 (*.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot export the network</source>
        <translation>无法导出网络</translation>
    </message>
    <message>
        <source>Exported {name} (ONNX, in {seconds:.2f} s)</source>
        <translation>已导出 {name}（ONNX，用时 {seconds:.2f} 秒）</translation>
    </message>
    <message>
        <source>Cannot export the weights</source>
        <translation>无法导出权重</translation>
    </message>
    <message>
        <source>Exported {name}</source>
        <translation>已导出 {name}</translation>
    </message>
</context>
<context>
    <name>NetworkInputPanel</name>
    <message>
        <source>1 · crop</source>
        <translation>1 · 裁剪</translation>
    </message>
    <message>
        <source>2 · 20 px box</source>
        <translation>2 · 20 像素框</translation>
    </message>
    <message>
        <source>3 · centre</source>
        <translation>3 · 居中</translation>
    </message>
    <message>
        <source>What the network sees</source>
        <translation>网络看到的</translation>
    </message>
    <message>
        <source>28 × 28 input, as the network reads it</source>
        <translation>网络读取的 28 × 28 输入</translation>
    </message>
    <message>
        <source>Your drawing cropped to its ink, scaled so its longer side is 20 px and centred by mass in 28 × 28 pixels: the way MNIST was made.</source>
        <translation>你的画先裁剪到墨迹范围，再缩放到较长边为 20 像素，并按质心居中放入 28 × 28 像素：正是 MNIST 的制作方式。</translation>
    </message>
</context>
<context>
    <name>NetworkViewPanel</name>
    <message>
        <source>Network view</source>
        <translation>网络视图</translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Fit Width</source>
        <translation>适应宽度</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <source>Network View, Full Window</source>
        <translation>网络视图全窗口</translation>
    </message>
    <message>
        <source>Full Window</source>
        <translation>全窗口</translation>
    </message>
    <message>
        <source>The network view alone beside the pad (again: every dock as it was)</source>
        <translation>只在画板旁显示网络视图（再按一次：所有停靠面板恢复原样）</translation>
    </message>
    <message>
        <source>Scroll to a layer</source>
        <translation>滚动到某一层</translation>
    </message>
    <message>
        <source>The kernel element&apos;s value: the drawing is read again with it at once</source>
        <translation>卷积核元素的值：绘图会立即用它重新读取</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>input [28×28] · what the network reads</source>
        <translation>输入 [28×28] · 网络读取的内容</translation>
    </message>
    <message>
        <source>{name} · {type} {shape} · colours {low:.3g} … {high:.3g}</source>
        <translation>{name} · {type} {shape} · 颜色 {low:.3g} … {high:.3g}</translation>
    </message>
    <message>
        <source>{name} · {type} · {size} values · colours {low:.3g} … {high:.3g}</source>
        <translation>{name} · {type} · {size} 个值 · 颜色 {low:.3g} … {high:.3g}</translation>
    </message>
    <message>
        <source>logits · the network&apos;s output, one per digit</source>
        <translation>logits · 网络的输出，每个数字一个</translation>
    </message>
    <message>
        <source>probabilities · softmax of the logits</source>
        <translation>概率 · logits 的 softmax</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>{name} kernels</source>
        <translation>{name} 卷积核</translation>
    </message>
    <message>
        <source>logits</source>
        <translation>对数几率</translation>
    </message>
    <message>
        <source>probabilities</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>{name}.weight {shape} · kernels: click an element to edit it</source>
        <translation>{name}.weight {shape} · 卷积核：点击元素即可编辑</translation>
    </message>
    <message>
        <source>{name}.weight {shape} · kernels on input channel {channel} (click a map above to pick another)</source>
        <translation>{name}.weight {shape} · 输入通道 {channel} 上的卷积核（点击上方的特征图可换一个）</translation>
    </message>
    <message>
        <source>input · row {row}, col {col} · value {value:.4g} (ink {ink:.2f})</source>
        <translation>输入 · 第 {row} 行，第 {col} 列 · 值 {value:.4g}（墨迹 {ink:.2f}）</translation>
    </message>
    <message>
        <source>{name}.weight[{out}, {inp}, {row}, {col}] · value {value:.4g} · click to edit</source>
        <translation>{name}.weight[{out}, {inp}, {row}, {col}] · 值 {value:.4g} · 点击编辑</translation>
    </message>
    <message>
        <source>{name} · {type} · channel {channel} · row {row}, col {col} · value {value:.4g}</source>
        <translation>{name} · {type} · 通道 {channel} · 第 {row} 行，第 {col} 列 · 值 {value:.4g}</translation>
    </message>
    <message>
        <source>{name} · unit {unit} · value {value:.4g}</source>
        <translation>{name} · 单元 {unit} · 值 {value:.4g}</translation>
    </message>
    <message>
        <source>logit of digit {digit} · {value:.4g}</source>
        <translation>数字 {digit} 的 logit · {value:.4g}</translation>
    </message>
    <message>
        <source>probability of digit {digit} · {value:.1%}</source>
        <translation>数字 {digit} 的概率 · {value:.1%}</translation>
    </message>
    <message>
        <source>No model.</source>
        <translation>没有模型。</translation>
    </message>
    <message>
        <source>Draw a digit: every layer follows each stroke.</source>
        <translation>画一个数字：每一层都随每一笔更新。</translation>
    </message>
    <message>
        <source>Hover: a value · click a kernel element: edit it · Ctrl+wheel: zoom</source>
        <translation>悬停：读数值 · 点击卷积核元素：编辑 · Ctrl+滚轮：缩放</translation>
    </message>
    <message>
        <source>Zero channel {channel}</source>
        <translation>将通道 {channel} 置零</translation>
    </message>
    <message>
        <source>Set output channel {channel} of {layer} to zero: its weights and bias</source>
        <translation>将 {layer} 的输出通道 {channel} 置零：其权重和偏置</translation>
    </message>
</context>
<context>
    <name>Panel</name>
    <message>
        <source>Zero channel {channel} of {layer} (weights and bias)</source>
        <translation>将 {layer} 的通道 {channel} 置零（权重和偏置）</translation>
    </message>
</context>
<context>
    <name>ParametersPanel</name>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <source>numel</source>
        <translation>元素数</translation>
    </message>
    <message>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <source>std</source>
        <translation>标准差</translation>
    </message>
    <message>
        <source>min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>max</source>
        <translation>最大值</translation>
    </message>
    <message>
        <source>dtype</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>requires_grad</source>
        <translation>需要梯度</translation>
    </message>
    <message>
        <source>module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>all input channels (rows: output, columns: input)</source>
        <translation>所有输入通道（行：输出，列：输入）</translation>
    </message>
    <message>
        <source>input channel {channel}</source>
        <translation>输入通道 {channel}</translation>
    </message>
    <message>
        <source>summed over channels</source>
        <translation>各通道求和</translation>
    </message>
    <message>
        <source>channel {channel}</source>
        <translation>通道 {channel}</translation>
    </message>
    <message>
        <source>as a matrix: a row per output, a column per input</source>
        <translation>矩阵形式：每个输出一行，每个输入一列</translation>
    </message>
    <message>
        <source>all {outputs}×{inputs} kernels of {height}×{width}: a row per output channel, a column per input channel</source>
        <translation>全部 {outputs}×{inputs} 个 {height}×{width} 卷积核：每个输出通道一行，每个输入通道一列</translation>
    </message>
    <message>
        <source>{outputs} kernels of {height}×{width} on input channel {channel}, one per output channel</source>
        <translation>输入通道 {channel} 上的 {outputs} 个 {height}×{width} 卷积核，每个输出通道一个</translation>
    </message>
    <message>
        <source>{outputs} kernels of {height}×{width}, one per output channel</source>
        <translation>{outputs} 个 {height}×{width} 卷积核，每个输出通道一个</translation>
    </message>
    <message>
        <source>a template per digit shaped like the layer&apos;s input {shape}, {part}: where the input is active, red raises the digit&apos;s score, blue lowers it</source>
        <translation>每个数字一个模板，形状与该层的输入 {shape} 相同，{part}：在输入激活的位置，红色提高该数字的得分，蓝色降低得分</translation>
    </message>
    <message>
        <source>digit {index}</source>
        <translation>数字 {index}</translation>
    </message>
    <message>
        <source>a template per output shaped like the layer&apos;s input {shape}, {part}: where the input is active, red raises the output&apos;s score, blue lowers it</source>
        <translation>每个输出一个模板，形状与该层的输入 {shape} 相同，{part}：在输入激活的位置，红色提高该输出的得分，蓝色降低得分</translation>
    </message>
    <message>
        <source>output {index}</source>
        <translation>输出 {index}</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>A module&apos;s output shape (from the latest reading); a parameter&apos;s or buffer&apos;s own shape</source>
        <translation>模块的输出形状（来自最近一次读取）；参数或缓冲区自身的形状</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>图示</translation>
    </message>
    <message>
        <source>Modules</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>The element&apos;s value: the drawing is read again with it at once</source>
        <translation>该元素的值：画会立即用新值重新识别</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>A trainable scalar. Change it and the drawing is classified again at once with the edited model; Reset puts back the value the weights were loaded with.</source>
        <translation>一个可训练的标量。修改它后，画会立即用编辑后的模型重新分类；“重置”恢复加载权重时的值。</translation>
    </message>
    <message>
        <source>Value:</source>
        <translation>值：</translation>
    </message>
    <message>
        <source>total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>{count:,} trainable</source>
        <translation>{count:,} 个可训练</translation>
    </message>
    <message>
        <source>Edited: differs from the weights as loaded</source>
        <translation>已编辑：与加载时的权重不同</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; · a scalar</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; · 标量</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt; {shape} · one bar per element (red above zero, blue below)</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt; {shape} · 每个元素一根柱（红色大于零，蓝色小于零）</translation>
    </message>
    <message>
        <source>index</source>
        <translation>索引</translation>
    </message>
    <message>
        <source>Click an element to change it; right-click a tile to zero its channel.</source>
        <translation>点击一个元素可修改它；右键点击一个图块可将它的通道置零。</translation>
    </message>
    <message>
        <source>{element} · value {value:.4g}</source>
        <translation>{element} · 值 {value:.4g}</translation>
    </message>
    <message>
        <source>Reset to the loaded value ({value:.4g})</source>
        <translation>重置为加载时的值（{value:.4g}）</translation>
    </message>
    <message>
        <source>This picture sums several elements: pick a single channel above to edit one.</source>
        <translation>这张图是多个元素之和：请先在上方选择单个通道，再编辑元素。</translation>
    </message>
    <message>
        <source>Zero channel {channel}</source>
        <translation>将通道 {channel} 置零</translation>
    </message>
    <message>
        <source>Set output channel {channel} of {layer} to zero: its weights and bias</source>
        <translation>将 {layer} 的输出通道 {channel} 置零：包括它的权重和偏置</translation>
    </message>
    <message>
        <source>the model itself</source>
        <translation>模型本身</translation>
    </message>
    <message>
        <source>{name}: its output is shown in Feature maps</source>
        <translation>{name}：其输出显示在“特征图”中</translation>
    </message>
    <message>
        <source>Parameter</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>{name}: click to show it</source>
        <translation>{name}：点击显示</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>常量</translation>
    </message>
    <message>
        <source>Buffer</source>
        <translation>缓冲区</translation>
    </message>
    <message>
        <source>{name}: a constant of the ONNX file, never trained (before the export it may have been a parameter)</source>
        <translation>{name}：ONNX 文件中的常量，不参与训练（导出前它可能是一个参数）</translation>
    </message>
    <message>
        <source>{name}: a buffer, saved with the weights but not trained</source>
        <translation>{name}：缓冲区，随权重保存但不参与训练</translation>
    </message>
    <message>
        <source>Show This Module&apos;s Output</source>
        <translation>显示此模块的输出</translation>
    </message>
    <message>
        <source>Show what {name} outputs in the Feature maps dock</source>
        <translation>在“特征图”面板中显示 {name} 的输出</translation>
    </message>
</context>
<context>
    <name>ProbabilitiesPanel</name>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Overlaid</source>
        <translation>叠加</translation>
    </message>
    <message>
        <source>The second network&apos;s bars beside the live network&apos;s, or over them as outlines</source>
        <translation>第二个网络的柱形在当前网络的旁边，或以轮廓叠在其上</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:{colour}&apos;&gt;Unsure&lt;/b&gt;&lt;br&gt;{digit} at {confidence:.0f} %, {runner_up} at {runner_up_confidence:.0f} %</source>
        <translation>&lt;b style=&apos;color:{colour}&apos;&gt;不确定&lt;/b&gt;&lt;br&gt;{digit}：{confidence:.0f} %，{runner_up}：{runner_up_confidence:.0f} %</translation>
    </message>
    <message>
        <source>&lt;b&gt;{confidence:.0f} %&lt;/b&gt; sure</source>
        <translation>置信度 &lt;b&gt;{confidence:.0f} %&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{live}&apos;&gt;■&lt;/span&gt; live · &lt;span style=&apos;color:{colour}&apos;&gt;■&lt;/span&gt; &lt;b&gt;{name}&lt;/b&gt; reads the drawing too</source>
        <translation>&lt;span style=&apos;color:{live}&apos;&gt;■&lt;/span&gt; 当前 · &lt;span style=&apos;color:{colour}&apos;&gt;■&lt;/span&gt; &lt;b&gt;{name}&lt;/b&gt; 也在读取绘图</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{live}&apos;&gt;■&lt;/span&gt; live · &lt;span style=&apos;color:{colour}&apos;&gt;■&lt;/span&gt; &lt;b&gt;{name}&lt;/b&gt; reads &lt;b style=&apos;color:{colour}&apos;&gt;{digit}&lt;/b&gt; ({confidence:.0f} %)</source>
        <translation>&lt;span style=&apos;color:{live}&apos;&gt;■&lt;/span&gt; 当前 · &lt;span style=&apos;color:{colour}&apos;&gt;■&lt;/span&gt; &lt;b&gt;{name}&lt;/b&gt; 读作 &lt;b style=&apos;color:{colour}&apos;&gt;{digit}&lt;/b&gt;（{confidence:.0f} %）</translation>
    </message>
    <message>
        <source>⚠  The networks disagree: the live network reads {first}, {name} reads {second}</source>
        <translation>⚠  两个网络意见不一：当前网络读作 {first}，{name} 读作 {second}</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:{colour}&apos;&gt;Does not look like a digit&lt;/b&gt;&lt;br&gt;closest class: {digit}</source>
        <translation>&lt;b style=&apos;color:{colour}&apos;&gt;看起来不像数字&lt;/b&gt;&lt;br&gt;最接近的类别：{digit}</translation>
    </message>
    <message>
        <source>Nothing to read yet ({reason}): keep drawing.</source>
        <translation>还没有可识别的内容（{reason}）：请继续画。</translation>
    </message>
    <message>
        <source>Draw a digit on the pad and watch the network read it.</source>
        <translation>在画板上画一个数字，看网络如何识别它。</translation>
    </message>
</context>
<context>
    <name>TimelinePanel</name>
    <message>
        <source>Stroke timeline</source>
        <translation>笔画时间线</translation>
    </message>
    <message>
        <source>stroke</source>
        <translation>笔画</translation>
    </message>
    <message>
        <source>Each stroke adds a point: the reading as the digit forms.</source>
        <translation>每一笔添加一个点：数字成形过程中的识别结果。</translation>
    </message>
    <message>
        <source>read after each stroke: {readings}</source>
        <translation>每一笔之后的识别结果：{readings}</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Train a network on the MNIST digits and watch it learn: the other docks show its feature maps and kernels as they change.</source>
        <translation>在 MNIST 数字上训练网络，观察它学习：其他面板会显示它的特征图和卷积核如何变化。</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop now and keep the weights from before</source>
        <translation>立即停止，保留训练之前的权重</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:{train}&apos;&gt;━&lt;/span&gt; training batches, as they go · &lt;span style=&apos;color:{test}&apos;&gt;●&lt;/span&gt; test digits, after each epoch</source>
        <translation>&lt;span style=&apos;color:{train}&apos;&gt;━&lt;/span&gt; 训练批次（实时） · &lt;span style=&apos;color:{test}&apos;&gt;●&lt;/span&gt; 测试数字（每轮之后）</translation>
    </message>
    <message>
        <source>Save Weights As…</source>
        <translation>权重另存为…</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>random weights</source>
        <translation>随机权重</translation>
    </message>
    <message>
        <source>current weights</source>
        <translation>当前权重</translation>
    </message>
    <message>
        <source>Continue from the current weights (same network only)</source>
        <translation>从当前权重继续训练（仅限同一网络）</translation>
    </message>
    <message>
        <source>Passes over the training images</source>
        <translation>遍历训练图像的次数</translation>
    </message>
    <message>
        <source>Images per optimiser step</source>
        <translation>每个优化步骤使用的图像数</translation>
    </message>
    <message>
        <source>Peak learning rate of the one-cycle schedule (AdamW)</source>
        <translation>单周期学习率调度的峰值学习率（AdamW）</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Random distortions of each training digit, so the network reads handwriting unlike MNIST&apos;s. At 1×: {ranges}</source>
        <translation>对每个训练数字做随机变形，让网络也能认出与 MNIST 不同的笔迹。1× 时：{ranges}</translation>
    </message>
    <message>
        <source>How many of MNIST&apos;s 60,000 training digits to use</source>
        <translation>使用 MNIST 60,000 个训练数字中的多少个</translation>
    </message>
    <message>
        <source>CUDA cannot be used: {reason}</source>
        <translation>无法使用 CUDA：{reason}</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Start from</source>
        <translation>起点</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>数据增强</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Mix in My Digits</source>
        <translation>混入“我的数字”</translation>
    </message>
    <message>
        <source>About {share:.0%} of each batch from the training part of your own drawings; their held-out part is read after every epoch</source>
        <translation>每个批次约 {share:.0%} 来自你的画的训练部分；每轮之后识别其留出部分</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>accuracy, %</source>
        <translation>准确率，%</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮</translation>
    </message>
    <message>
        <source>Busy with another job; try again when it is done.</source>
        <translation>正在进行另一项任务，请等它完成后再试。</translation>
    </message>
    <message>
        <source>Reading the MNIST digits…</source>
        <translation>正在读取 MNIST 数字…</translation>
    </message>
    <message>
        <source>My Digits is off: {reason}</source>
        <translation>“我的数字”不可用：{reason}</translation>
    </message>
    <message>
        <source>Cannot read My Digits: {reason}</source>
        <translation>无法读取“我的数字”：{reason}</translation>
    </message>
    <message>
        <source>My Digits has no drawings with strokes to train on yet.</source>
        <translation>“我的数字”中还没有可用于训练的笔画画作。</translation>
    </message>
    <message>
        <source>Cancelled: the weights from before training are back.</source>
        <translation>已取消：训练之前的权重已恢复。</translation>
    </message>
    <message>
        <source>training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>, about {time} left</source>
        <translation>，大约还剩 {time}</translation>
    </message>
    <message>
        <source>Epoch {epoch} of {epochs} · step {step} of {steps} · {speed:,.0f} images/s{left}</source>
        <translation>第 {epoch}/{epochs} 轮 · 第 {step}/{steps} 步 · 每秒 {speed:,.0f} 张图像{left}</translation>
    </message>
    <message>
        <source>{accuracy:.1f} % of your held-out drawings read right.</source>
        <translation>你留出的画中 {accuracy:.1f} % 被认对。</translation>
    </message>
    <message>
        <source>trained here, unsaved</source>
        <translation>在此训练，未保存</translation>
    </message>
    <message>
        <source>Done: {accuracy:.2f} % of the test digits read right after {time} of training.</source>
        <translation>完成：训练 {time} 后，测试数字的正确率为 {accuracy:.2f} %。</translation>
    </message>
    <message>
        <source>These weights are live now, and in no file yet.</source>
        <translation>这些权重已经生效，但尚未保存到文件。</translation>
    </message>
    <message>
        <source>Training stopped: {message}. The weights from before training are back.</source>
        <translation>训练已停止：{message}。训练之前的权重已恢复。</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} 分钟</translation>
    </message>
</context>
<context>
    <name>UncertaintyPanel</name>
    <message>
        <source>Certainty</source>
        <translation>确定性</translation>
    </message>
    <message>
        <source>The top probability: how much of its vote the network gives its reading</source>
        <translation>最高概率：网络把多少票投给了它的识别结果</translation>
    </message>
    <message>
        <source>How spread the vote is over the ten digits: 0 all on one, 1 even over all ten</source>
        <translation>投票在十个数字上的分散程度：0 表示全部投给一个，1 表示十个平均分配</translation>
    </message>
    <message>
        <source>The training digit most like the drawing, as the network&apos;s features see it</source>
        <translation>在网络的特征看来，与这幅画最相似的训练数字</translation>
    </message>
    <message>
        <source>Draw a digit to see how sure the network is.</source>
        <translation>画一个数字，看看网络有多确定。</translation>
    </message>
    <message>
        <source>Looks like a digit: the nearest training digit (right) is a {label} (distance {distance:.2f}, limit {threshold:.2f})</source>
        <translation>看起来像数字：最近的训练数字（右）是 {label}（距离 {distance:.2f}，界限 {threshold:.2f}）</translation>
    </message>
    <message>
        <source>&lt;b&gt;This does not look like a digit&lt;/b&gt;: far from every training digit (distance {distance:.2f}, limit {threshold:.2f})</source>
        <translation>&lt;b&gt;这看起来不像数字&lt;/b&gt;：与所有训练数字都相距很远（距离 {distance:.2f}，界限 {threshold:.2f}）</translation>
    </message>
    <message>
        <source>confidence —</source>
        <translation>置信度 —</translation>
    </message>
    <message>
        <source>entropy —</source>
        <translation>熵 —</translation>
    </message>
    <message>
        <source>confidence {percent:.0f} %</source>
        <translation>置信度 {percent:.0f} %</translation>
    </message>
    <message>
        <source>entropy {entropy:.2f}</source>
        <translation>熵 {entropy:.2f}</translation>
    </message>
    <message>
        <source>No digit check, only the meters (hover here for why).</source>
        <translation>没有数字检查，只有指示条（将鼠标悬停在此处查看原因）。</translation>
    </message>
    <message>
        <source>checking… (fitting the digit check to these weights)</source>
        <translation>检查中…（正在为这些权重拟合数字检查）</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>the terminal&apos;s output</source>
        <translation>终端输出</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>digitpad hit an unexpected problem: {problem}

Your drawing and the model are as they were. The details are in {where}.</source>
        <translation>digitpad 遇到了意外问题：{problem}

你的画和模型都保持原样。详细信息见 {where}。</translation>
    </message>
    <message>
        <source>digitpad hit an unexpected problem while starting: {problem}

The details are in {where}.</source>
        <translation>digitpad 启动时遇到意外问题：{problem}

详细信息见 {where}。</translation>
    </message>
    <message>
        <source>Cannot open weights</source>
        <translation>无法打开权重</translation>
    </message>
    <message>
        <source>{reason}

digitpad started with its shipped weights instead (or random ones if there are none).</source>
        <translation>{reason}

digitpad 已改用自带权重启动（如果没有自带权重，则使用随机权重）。</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>this PyTorch build has no CUDA support</source>
        <translation>这个 PyTorch 版本不支持 CUDA</translation>
    </message>
    <message>
        <source>no CUDA device was found (or its driver is missing)</source>
        <translation>未找到 CUDA 设备（或缺少它的驱动程序）</translation>
    </message>
    <message>
        <source>too small to be a digit</source>
        <translation>太小，不像一个数字</translation>
    </message>
</context>
<context>
    <name>teaching</name>
    <message>
        <source>This needs the MNIST digits, and digitpad found none on this computer. To get them (about 12 MB), run &lt;code&gt;digitpad eval&lt;/code&gt; once in a terminal: it downloads them into your cache folder. Or set &lt;code&gt;DIGITPAD_DATA&lt;/code&gt; to a folder holding the four MNIST files. Then try again.</source>
        <translation>这需要 MNIST 数字，但 digitpad 在这台电脑上没有找到。获取方法（约 12 MB）：在终端里运行一次 &lt;code&gt;digitpad eval&lt;/code&gt;，它会把数据下载到你的缓存文件夹；或者把 &lt;code&gt;DIGITPAD_DATA&lt;/code&gt; 设为存放四个 MNIST 文件的文件夹。然后再试一次。</translation>
    </message>
    <message>
        <source>rotation {rotation:g} deg, scale {scale:g}, shear {shear:g}, shift {shift:g} px, thickness {thickness:g}</source>
        <translation>旋转 {rotation:g}°，缩放 {scale:g}，错切 {shear:g}，平移 {shift:g} 像素，粗细 {thickness:g}</translation>
    </message>
    <message>
        <source>, elastic {elastic:g} px</source>
        <translation>，弹性形变 {elastic:g} 像素</translation>
    </message>
</context>
</TS>
