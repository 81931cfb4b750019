import DigitLabIO

/// `help TOPIC` for ideas rather than commands: what a learning rate is, why ReLU, what
/// calibration means. Each concept is three to six plain sentences, the command that
/// shows it and the lesson that teaches it. Data first, then a lookup that accepts the
/// usual abbreviations ("lr", "bn", "conv") and suggests the closest topic for a typo.
public struct Concept: Sendable, Equatable {
    public let name: String
    /// Other words for it, lower case: abbreviations, spellings, related terms.
    public let aliases: [String]
    public let text: String
    /// A command line that shows it.
    public let command: String
    /// The lesson file (without `.lesson`) that teaches it.
    public let lesson: String

    /// What `help TOPIC` prints.
    public var helpText: String {
        "\(name): \(text)\n  see it:  \(command)\n  lesson:  \(lesson)"
    }
}

public enum Concepts {
    /// The answer to `help WORDS` when the words are not a command.
    public enum Match: Equatable, Sendable {
        case found(Concept)
        /// No concept by that name; the closest names (maybe none).
        case unknown(suggestions: [String])
    }

    /// Finds a concept by name or alias, ignoring case, spaces, hyphens and a plural s.
    public static func lookup(_ words: String) -> Match {
        let key = normalise(words)
        // No concept is longer than a few words; edit distances over a pasted page would
        // take seconds (a 400 KB line took 7 s).
        guard !key.isEmpty, key.count <= 80 else { return .unknown(suggestions: []) }
        for c in all where keys(c).contains(key) { return .found(c) }
        // A plural or singular of a known word ("filters", "optimisers").
        for c in all where keys(c).contains(where: { $0 + "s" == key || key + "s" == $0 }) { return .found(c) }
        return .unknown(suggestions: suggestions(for: key))
    }

    /// Up to three concept names whose name or an alias is nearest to `key` by edit
    /// distance (at most a third of the word's length, at least 2), or starts with it.
    static func suggestions(for key: String) -> [String] {
        var scored = [(name: String, distance: Int)]()
        for c in all {
            let best = keys(c).map { k -> Int in
                k.hasPrefix(key) && key.count >= 3 ? 0 : Suggest.editDistance(k, key)
            }.min() ?? Int.max
            scored.append((c.name, best))
        }
        let limit = max(2, key.count / 3)
        return scored.filter { $0.distance <= limit }.sorted { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
            .prefix(3).map(\.name)
    }

    /// `help TOPIC` as text: the concept, or a line that says what to try.
    public static func help(_ words: String) -> String? {
        switch lookup(words) {
        case .found(let c): return c.helpText
        case .unknown(let s) where !s.isEmpty: return "no command or topic '\(words)' — did you mean \(s.joined(separator: ", "))? (`help topics` lists them)"
        case .unknown: return nil
        }
    }

    /// Every concept name, in table order, for `help topics`.
    public static var names: [String] { all.map(\.name) }

    static func keys(_ c: Concept) -> [String] { ([c.name] + c.aliases).map(normalise) }

    static func normalise(_ s: String) -> String {
        String(s.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    public static let all: [Concept] = [
        Concept(name: "learning rate", aliases: ["lr", "step size", "rate"],
                text: "The learning rate sets the size of each training step: with plain SGD every weight moves by the learning rate times its gradient. Too small and the loss falls slowly; too large and the steps overshoot, the loss jumps up or becomes NaN, and ReLU units can die. Good values depend on the optimiser: about 0.01 to 0.1 for SGD on MNIST, about 0.001 for Adam. `train step` prints each layer's |update|/|weight|, which grows in proportion to the learning rate: in a first epoch on MNIST about 0.01 to 0.05 goes with good progress, a few thousandths with slow progress, and 0.1 or more while the loss rises means the rate is too high.",
                command: "set lr 0.1", lesson: "04-learning-rate"),
        Concept(name: "batch", aliases: ["batch size", "minibatch", "mini batch"],
                text: "A batch is the small group of training images used for one step, 64 by default. The gradient is averaged over the batch, so a bigger batch gives a steadier direction but fewer steps per epoch. The noise of small batches is not all bad: it helps training leave poor regions. Changing the batch size usually calls for a different learning rate.",
                command: "set batch 64", lesson: "03-first-network"),
        Concept(name: "epoch", aliases: ["epochs"],
                text: "An epoch is one pass over all the training images, in a new random order each time. With 60,000 images and batches of 64 it is 938 steps. Networks usually need several epochs; the validation accuracy after each one tells you when more stop helping.",
                command: "train epoch", lesson: "03-first-network"),
        Concept(name: "step", aliases: ["iteration", "update", "training step"],
                text: "A step is one update of the weights: a forward pass on a batch, the loss, a backward pass for the gradients, then the optimiser moves every weight. `train step` shows them one at a time, with the loss and the size of each layer's gradient and update. An epoch is many steps: the number of training images divided by the batch size.",
                command: "train step", lesson: "03-first-network"),
        Concept(name: "loss", aliases: ["cost", "objective", "loss function"],
                text: "The loss is one number that says how wrong the network is on a batch: lower is better. Training changes the weights to make it smaller, following its gradient. With cross-entropy, a network that spreads its probability evenly over 10 classes has loss ln 10 ≈ 2.30, so a loss stuck there means nothing is being learned. The loss can keep falling on the training images while it rises on validation: that is overfitting.",
                command: "train step", lesson: "03-first-network"),
        Concept(name: "softmax", aliases: ["soft max"],
                text: "Softmax turns the ten scores (logits) of the last layer into probabilities: the exponential of each score divided by the sum of all of them. The results are positive and add up to 1, and the largest score gets the largest probability. Only the differences between scores matter: adding the same number to all of them changes nothing. `explain softmax` works one image through with its real numbers.",
                command: "explain softmax 0", lesson: "13-reading-a-trace"),
        Concept(name: "cross-entropy", aliases: ["crossentropy", "ce", "log loss", "nll", "negative log likelihood"],
                text: "Cross-entropy is the usual loss for classification: minus the logarithm of the probability the network gives the true class. It is 0 when the network is certain and right, 2.30 when it spreads its probability evenly over 10 classes, and it grows without limit when the network is confidently wrong. DigitLab computes it from the logits together with the softmax, which is faster and numerically safer than taking the logarithm of a tiny probability. Its gradient with respect to each logit is simply the probability minus 1 for the true class, and the probability itself for the others.",
                command: "set loss crossentropy", lesson: "03-first-network"),
        Concept(name: "gradient", aliases: ["grad", "derivative", "gradients"],
                text: "The gradient of the loss says, for every weight, how much the loss would change if that weight grew a little. Training moves each weight against its gradient, downhill. `train step` prints |grad|, the length of each layer's gradient; a gradient of 0 means the layer has stopped learning. The saliency picture is a gradient too, taken with respect to the input pixels instead of the weights.",
                command: "train step", lesson: "03-first-network"),
        Concept(name: "backpropagation", aliases: ["backprop", "backward pass", "chain rule", "backward"],
                text: "Backpropagation computes the gradient of the loss for every weight in one pass from the output back to the input, using the chain rule. Each layer receives the gradient with respect to its output and returns the gradient with respect to its input, filling in its own weights' gradients on the way. It costs about twice as much as the forward pass. DigitLab's layers each have their backward pass written by hand next to the forward pass, in Sources/DigitLabCore/Layers.",
                command: "train step", lesson: "03-first-network"),
        Concept(name: "overfitting", aliases: ["overfit", "memorisation", "memorization", "generalisation gap"],
                text: "Overfitting is learning the training images rather than the digits: training accuracy keeps rising while validation accuracy stalls or falls. It shows most with few images, a large network, or long training. The remedies are more data (or augmentation), early stopping, weight decay, dropout, or a smaller network. Watch the gap between the training and validation curves in `render curves`.",
                command: "render curves", lesson: "05-overfitting"),
        Concept(name: "underfitting", aliases: ["underfit"],
                text: "Underfitting is doing poorly even on the training images: the network has not learned enough. The usual causes are too few epochs, a learning rate that is far too small or too large, or a network too small for the task. Unlike overfitting, training and validation accuracy are both low and close to each other.",
                command: "render curves", lesson: "05-overfitting"),
        Concept(name: "generalisation", aliases: ["generalization", "generalise", "generalize"],
                text: "Generalisation is how well a network does on images it has never seen. Training accuracy partly measures memory; validation and test accuracy measure generalisation. The gap between the two is the cost of overfitting.",
                command: "eval validation", lesson: "05-overfitting"),
        Concept(name: "validation", aliases: ["validation set", "val", "dev set", "holdout", "held out"],
                text: "A validation set is a part of the training images set aside and never trained on, used to choose settings and to decide when to stop. `split validation 5000` moves 5,000 training images there; `train epoch` then reports validation loss and accuracy after every epoch. Choosing by validation keeps the test set honest: it is looked at once, at the end.",
                command: "split validation 5000", lesson: "05-overfitting"),
        Concept(name: "test set", aliases: ["test", "testing", "test accuracy"],
                text: "The test set is the 10,000 MNIST images the network never trains on and no setting is chosen by. Its accuracy estimates how the network will do on new digits of the same kind. If you tune settings by looking at the test accuracy, it stops being a fair estimate: use validation for that. Your own photos can still differ from MNIST in ways the test set does not show.",
                command: "eval test", lesson: "10-testing-and-errors"),
        Concept(name: "convolution", aliases: ["conv", "conv2d", "convolutional layer", "cnn", "convolutions"],
                text: "A convolution slides a small filter, for example 5x5, over the image; at each position it multiplies the patch under the filter by the filter's weights, adds the products up and adds a bias. The result is a feature map that is large where the patch looks like the filter. The same few weights are used at every position, so a conv layer has far fewer parameters than a dense one and finds a pattern wherever it is. Strictly it is a cross-correlation (the filter is not flipped), as in PyTorch.",
                command: "explain conv 0", lesson: "12-convolutions"),
        Concept(name: "filter", aliases: ["kernel", "filters", "kernels", "conv filter"],
                text: "A filter (or kernel) is the small grid of weights a conv layer slides over its input; a layer has several, and each produces one feature map. In the first layer each filter is a tiny picture you can look at: edges and strokes at different angles. In later layers a filter has one slice per input channel, so it combines the maps of the layer before. `render filters 0` shows them, negative weights blue and positive ones red.",
                command: "render filters 0", lesson: "12-convolutions"),
        Concept(name: "feature map", aliases: ["activation map", "channel", "map", "feature maps", "channels"],
                text: "A feature map is the output of one filter over the whole image: a small picture that is bright where the filter's pattern appears. A conv layer with 6 filters produces 6 maps, also called channels. Before the ReLU a map has negative and positive values; the ReLU keeps only the positive ones. `render trace` shows each filter beside its maps.",
                command: "render trace 0", lesson: "13-reading-a-trace"),
        Concept(name: "padding", aliases: ["pad", "zero padding", "same padding"],
                text: "Padding adds a border of zeros around a conv layer's input so that the filter can also sit on the edge pixels. Without it a 5x5 filter turns a 28x28 image into a 24x24 map; with `pad 2` the map stays 28x28, and `pad same` chooses that for odd filter sizes. The output size is (input + 2 × padding − kernel) / stride + 1, rounded down.",
                command: "net add conv 6 5x5 pad 2", lesson: "12-convolutions"),
        Concept(name: "stride", aliases: ["strides"],
                text: "The stride is how far a filter moves between positions: 1 visits every pixel, 2 every other one and halves the map's width and height. A larger stride is a cheap way to shrink the maps, an alternative to pooling. The output size is (input + 2 × padding − kernel) / stride + 1, rounded down.",
                command: "net add conv 16 3x3 stride 2", lesson: "12-convolutions"),
        Concept(name: "pooling", aliases: ["pool", "maxpool", "max pooling", "avgpool", "average pooling", "subsampling"],
                text: "Pooling shrinks a feature map by summarising each small block: max pooling keeps the largest value of each 2x2 block, average pooling their mean. It halves the width and height, has no weights to learn, and makes the network less sensitive to small shifts of the digit. LeNet-5 pools after each of its conv layers.",
                command: "net add maxpool 2", lesson: "12-convolutions"),
        Concept(name: "ReLU", aliases: ["rectifier", "rectified linear unit", "dead relu"],
                text: "ReLU (rectified linear unit) keeps positive values and turns negative ones into 0: relu(x) = max(0, x). It is what makes a network more than one big linear map: without an activation between them, two linear layers collapse into one. Its gradient is 1 where the input was positive and 0 elsewhere, so a unit whose input is negative for every image stops learning (a dead ReLU).",
                command: "net add dense 128 relu", lesson: "03-first-network"),
        Concept(name: "activation function", aliases: ["activation", "activations", "nonlinearity", "non linearity", "sigmoid", "tanh", "leaky relu", "leakyrelu"],
                text: "An activation function is applied to every value between layers; being non-linear, it lets stacked layers learn more than one linear rule. DigitLab has ReLU, leaky ReLU (slope 0.01 for negative inputs, so units cannot die), sigmoid (squashes any value into 0 to 1) and tanh (into −1 to 1). Sigmoid and tanh flatten out for large inputs, where their gradient nearly vanishes, which slows the training of deep networks; ReLU does not. Softmax is the special activation that turns the final scores into probabilities.",
                command: "net add dense 128 tanh", lesson: "03-first-network"),
        Concept(name: "initialisation", aliases: ["initialization", "init", "weight init", "he", "glorot", "xavier", "kaiming", "symmetry"],
                text: "Initialisation sets the weights before training. They must be random and different: if every unit of a layer starts with the same weights, every unit gets the same gradient and they stay identical forever (the symmetry problem). Their scale matters too: He initialisation (variance 2 / inputs) keeps ReLU activations from shrinking or growing layer after layer, and Glorot suits tanh. `set init he` applies to the layers added after it.",
                command: "set init he", lesson: "07-initialisation"),
        Concept(name: "SGD", aliases: ["stochastic gradient descent", "gradient descent", "optimiser", "optimizer", "optimisers", "optimizers"],
                text: "Stochastic gradient descent is the simplest optimiser: after each batch, every weight moves by minus the learning rate times its gradient. It is called stochastic because each gradient comes from a random batch rather than from the whole training set, so the steps are noisy but cheap. Momentum and Adam are refinements of it; `set optimizer` chooses between them.",
                command: "set optimizer sgd", lesson: "06-optimisers"),
        Concept(name: "momentum", aliases: ["nesterov", "sgd momentum", "heavy ball"],
                text: "Momentum lets each step carry on part of the previous ones: the update is a running sum of past gradients, each step's sum shrunk by the momentum factor (0.9 is usual). It speeds progress along directions where the gradient keeps pointing the same way and damps zig-zags across a narrow valley. With momentum 0.9 a steady gradient moves the weights about ten times as far per step as plain SGD would, so a smaller learning rate is often needed. Nesterov momentum evaluates the step as if the momentum had already been applied.",
                command: "set optimizer momentum", lesson: "06-optimisers"),
        Concept(name: "Adam", aliases: ["adamw", "adaptive moments"],
                text: "Adam adapts a step size for each weight: it keeps running averages of the gradient and of its square, and divides the first by the square root of the second. Each weight therefore moves by about the learning rate or less per step, whatever the size of its gradient, which is why 0.001 is the usual setting. It often trains fast with little tuning, though well-tuned SGD with momentum can generalise as well or better.",
                command: "set optimizer adam", lesson: "06-optimisers"),
        Concept(name: "weight decay", aliases: ["l2", "l2 regularisation", "l2 regularization", "regularisation", "regularization", "decay"],
                text: "Weight decay shrinks every weight a little towards zero at each step. It discourages the large weights that fit the noise of the training images, which reduces overfitting. DigitLab applies it to the weights directly, w ← w − lr × decay × w, as AdamW does; for plain SGD that is the same as adding decay/2 × (the sum of the squared weights) to the loss. Typical values are 1e-4 to 5e-4.",
                command: "set weight-decay 0.0005", lesson: "05-overfitting"),
        Concept(name: "learning-rate schedule", aliases: ["schedule", "lr schedule", "cosine", "onecycle", "one cycle", "annealing"],
                text: "A schedule changes the learning rate during training: large at first to make progress, smaller later to settle. `set schedule step 2 0.5` halves it every 2 epochs, cosine lowers it smoothly towards 0, and one-cycle first raises it, then lowers it. A schedule often adds a few tenths of a percent of accuracy at no cost.",
                command: "set schedule cosine 5", lesson: "18-state-of-the-art"),
        Concept(name: "dropout", aliases: ["drop out"],
                text: "Dropout switches off a random part of a layer's outputs during training: each is zeroed with probability p, and the survivors are multiplied by 1/(1 − p) so that their expected sum is unchanged. The network cannot rely on any single unit, which reduces overfitting. When predicting, dropout does nothing: every unit is used. It slows training down a little and helps most on large layers trained on little data.",
                command: "net add dropout 0.5", lesson: "09-dropout"),
        Concept(name: "batch normalisation", aliases: ["batchnorm", "bn", "batch norm", "batch normalization"],
                text: "Batch normalisation standardises each channel over the batch (it subtracts the batch mean and divides by the batch standard deviation), then applies a learned scale and shift. It lets networks train faster and with larger learning rates, and makes them less sensitive to initialisation. During training it keeps running averages of the mean and variance; when predicting it uses those, so an answer does not depend on the other images in the batch.",
                command: "net add batchnorm", lesson: "08-batch-normalisation"),
        Concept(name: "augmentation", aliases: ["data augmentation", "augment", "elastic", "elastic distortion"],
                text: "Augmentation changes each training image a little every time it is used: shifts, rotations, rescaling, elastic distortions. The network then learns the digit rather than its exact pixels, and becomes robust to positions and sizes the original data seldom shows. Only training images are changed; evaluation sees the real ones. `render samples --augmented` shows a batch as the network sees it.",
                command: "augment shift 2 rotate 10", lesson: "14-augmentation"),
        Concept(name: "confusion matrix", aliases: ["confusion", "confusions"],
                text: "A confusion matrix counts, for every true class (rows) and every answer (columns), how many images got that answer. The diagonal holds the right answers; everything off it is a mistake, and the large off-diagonal cells show which digits the network mixes up (4 and 9, 3 and 5, 7 and 2 are typical). Accuracy is the diagonal's total divided by the number of images.",
                command: "render confusion", lesson: "10-testing-and-errors"),
        Concept(name: "precision and recall", aliases: ["precision", "recall", "f1", "f1 score", "f score"],
                text: "For one class, precision is the share of the network's answers of that class that are right, and recall is the share of that class's images it finds. A network that rarely answers 8 can have high precision and low recall for 8; one that answers 8 too often, the opposite. F1 is their harmonic mean, high only when both are. `eval` prints all three for every class.",
                command: "eval", lesson: "10-testing-and-errors"),
        Concept(name: "calibration", aliases: ["confidence", "overconfidence", "overconfident", "reliability"],
                text: "A network is calibrated when its confidence matches how often it is right: of all answers given with 80% probability, about 80% should be correct. Networks trained with cross-entropy are often overconfident, showing some mistakes at 99% or more. A softmax probability is a score the network computes, not a guarantee; on pictures unlike its training data it can be high and wrong. `render misclassified` shows the most confident mistakes.",
                command: "render misclassified", lesson: "11-calibration"),
        Concept(name: "saliency", aliases: ["saliency map", "gradient map", "attribution"],
                text: "A saliency map shows, for one image, how much the score of the predicted class would change if each pixel changed a little: the gradient of the score with respect to the input. Red pixels would raise the score if they got more ink, blue ones would lower it. It is a local, first-order view: it says where the network is sensitive, not the whole reason for its answer.",
                command: "render saliency 0", lesson: "13-reading-a-trace"),
        Concept(name: "embedding", aliases: ["pca", "t-sne", "tsne", "penultimate layer", "representation", "projection"],
                text: "An embedding is the list of numbers a network computes for an image just before its last layer: its own description of the digit. `render embedding` draws thousands of them in 2-D, coloured by their true class. PCA keeps the two directions along which they vary most: it is faithful to large distances, but clusters can overlap. t-SNE places the points so that close neighbours stay close; it separates the clusters well, but the distances between clusters and their sizes mean little.",
                command: "render embedding", lesson: "13-reading-a-trace"),
        Concept(name: "trace", aliases: ["render trace", "cnn explainer", "explain"],
                text: "A trace follows one image through the network layer by layer: the input, each filter beside its feature maps before and after the activation, the pooled maps, the flattened vector, the dense layers and the probabilities. It shows where an answer comes from. `explain conv`, `explain dense` and `explain softmax` work single numbers of it through by hand.",
                command: "render trace 0", lesson: "13-reading-a-trace"),
        Concept(name: "standardisation", aliases: ["standardization", "normalisation", "normalization", "preprocessing", "feature scaling", "mean and std"],
                text: "Standardisation turns raw pixel values into numbers centred on 0 with a spread of 1: (pixel/255 − mean) / standard deviation, with MNIST's mean 0.1307 and standard deviation 0.3081. Raw values of 0 to 255 make the first layer's weighted sums hundreds of times larger, so the usual learning rates overshoot. The same transformation must be applied when predicting, which is why it is saved with the model. `load mnist` standardises with the training images' own statistics.",
                command: "load mnist", lesson: "02-standardisation"),
        Concept(name: "early stopping", aliases: ["early stop", "patience", "train until"],
                text: "Early stopping ends training when the validation score stops improving, and keeps the best weights seen rather than the last ones. It is a simple and effective guard against overfitting. `train until validation.accuracy >= 0.99 patience 3` stops when the target is reached or after 3 epochs without improvement, then restores the best epoch's weights.",
                command: "train until validation.accuracy >= 0.99 patience 3", lesson: "05-overfitting"),
        Concept(name: "MNIST", aliases: ["dataset", "digits", "mnist dataset"],
                text: "MNIST is 70,000 handwritten digits of 28x28 grey pixels: 60,000 for training and 10,000 for testing, written by American Census Bureau employees and high-school students. Each digit was scaled to fit a 20x20 box and centred by its centre of mass, which is why your own pictures need the same treatment before the network can read them. Simple dense networks reach 97–98% on it, convolutional ones more than 99%.",
                command: "load mnist", lesson: "01-meet-the-data"),
        Concept(name: "Fashion-MNIST", aliases: ["fashion", "fashion mnist", "zalando"],
                text: "Fashion-MNIST has the same format as MNIST (28x28 grey images, 10 classes, 60,000 for training and 10,000 for testing) but shows clothes and shoes instead of digits. It is harder: networks that reach 99% on digits get about 89–93% on it, because shirts, pullovers and coats look alike at this size. `load fashion` loads it when it is installed.",
                command: "load fashion", lesson: "17-fashion-mnist"),
        Concept(name: "parameters", aliases: ["params", "weights", "flops", "parameter count", "biases"],
                text: "Parameters are the numbers a network learns: the weights and biases of its dense and conv layers, and batchnorm's scale and shift. A dense layer from 784 inputs to 128 units has 784 × 128 + 128 = 100,480 of them. FLOPs count the arithmetic for one image, a multiply-add counting as two: they say how long a prediction takes, while parameters say how much must be stored. `net summary` lists both, layer by layer.",
                command: "net summary", lesson: "03-first-network"),
        Concept(name: "dense layer", aliases: ["dense", "linear", "linear layer", "fully connected", "fc", "mlp", "perceptron"],
                text: "A dense (fully connected) layer computes each output as a weighted sum of all its inputs plus a bias. It has one weight for every input–output pair, so it holds most of an MLP's parameters. Two dense layers with no activation between them are equivalent to one, because a linear map of a linear map is linear. `explain dense` works one unit through with the real numbers.",
                command: "explain dense 0", lesson: "03-first-network"),
        Concept(name: "logits", aliases: ["logit", "scores", "score"],
                text: "Logits are the raw scores of the last layer, one per class, before the softmax. They can be any number, positive or negative; only their differences matter to the probabilities. The loss is computed from them directly, which is numerically safer than computing it from the probabilities.",
                command: "explain softmax 0", lesson: "13-reading-a-trace"),
        Concept(name: "flatten", aliases: ["flattening", "reshape"],
                text: "Flatten turns a stack of feature maps (for example 16 maps of 5x5) into one list of 400 numbers, read row by row, so that dense layers can use it. It changes no value and has no weights. A dense layer reading flattened pixels has no notion of which pixels are neighbours; a conv layer does.",
                command: "net add flatten", lesson: "12-convolutions"),
        Concept(name: "model file", aliases: ["save", "safetensors", "model", "deployment", "pytorch", "checkpoint"],
                text: "A trained network is saved as a safetensors file: every weight by name, in PyTorch's layout, with the layers and the standardisation in its header. `save model digits.safetensors` writes it and `load model` reads it back; Docs/model-format.md shows how to load it in PyTorch. The file holds what was learned, not how: the training curves and settings are not part of it.",
                command: "save model digits.safetensors", lesson: "16-deployment"),
        Concept(name: "whole numbers", aliases: ["number", "numbers", "read", "reading numbers", "touching digits", "segmentation"],
                text: "A line of handwritten digits (a year, a postcode, a phone number) is read from one picture by `predict file PICTURE --number` (on the command line, `digitlab read PICTURE`). The picture's pieces of ink on the line are found; a piece wide enough for two digits gets candidate cuts along the paper between them; every candidate is framed as a single digit and classified, and the split the network is surest of wins. Two bundled networks help where digits touch: the one-digit judge (models/one-digit.safetensors) doubts a candidate that is two digits or a piece of one, and the in-line digit network (models/in-line.safetensors) reads candidates cut from overlapping digits. `--stages` draws the boxes and each digit as the network saw it; Docs/real-world.md explains every step.",
                command: "predict file lessons/digits/touching-8372.png --number", lesson: "15-your-own-digits"),
    ]
}
