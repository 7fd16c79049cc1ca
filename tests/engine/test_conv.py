"""Convolution and pooling layers: gradients against finite differences (float64) and against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio.document.builders import conv_network, parse_network_spec
from nnstudio.engine.conv import ConvKind, Convolution
from nnstudio.engine.graph import Edge, GraphError, Network, Neuron, Role
from nnstudio.engine.losses import LOSSES
from nnstudio.engine.parameters import ParameterSnapshot
from nnstudio.engine.plan import compile_network
from nnstudio.engine.step import training_step
from nnstudio.engine.train import TrainSettings, initialise, train

# Each spec exercises one block kind (or a mix): stride, padding, several channels in and out, windows that
# do not tile the image, non-square images (width x height).
SPECS = [
    "7x6-c3k3-4",
    "7x6-c2k3s2p1-c3k2-3",
    "8x8-c2k3-p2-3",
    "9x9-c2k3-p3s2-3",
    "8x8-c2k3-a2-3",
    "9x9-c2k2-a3s2-2",
    "10x10-c2k3-p2-c3k2p1-a2-5-3",
]


def _net_and_data(spec: str, seed: int, activation: str = "tanh", output: str = "sigmoid"):
    parsed = parse_network_spec(spec)
    net = conv_network(parsed, activation, output, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for name, conv in net.convolutions.items():
        if conv.bias is not None:
            net.set_convolution_values(name, bias=rng.uniform(-0.3, 0.3, conv.bias.shape))
    x = rng.uniform(-1, 1, (3, parsed.inputs))
    y = rng.uniform(0, 1, (3, parsed.dense[-1]))
    return net, x, y


@pytest.mark.parametrize("spec", SPECS)
def test_gradients_match_finite_differences(spec: str) -> None:
    net, x, y = _net_and_data(spec, seed=len(spec))
    plan = compile_network(net, np.float64)
    loss = LOSSES["squared"]
    grads = plan.backward(plan.forward(x), y, loss, input_gradient=True)
    assert grads.flat is not None
    h = 1e-6
    trainable = np.ones(plan.flat.size, bool) if plan.flat_trainable is None else plan.flat_trainable > 0
    numeric = np.zeros_like(plan.flat)
    for i in np.flatnonzero(trainable):
        keep = plan.flat[i]
        plan.flat[i] = keep + h
        up = plan.loss_value(x, y, loss)
        plan.flat[i] = keep - h
        down = plan.loss_value(x, y, loss)
        plan.flat[i] = keep
        numeric[i] = (up - down) / (2 * h)
    np.testing.assert_allclose(grads.flat[trainable], numeric[trainable], rtol=1e-5, atol=1e-8)
    # Every kernel weight took part: no parameter of a convolution is left without a slope.
    for conv in plan.convs:
        if conv.n_parameters:
            assert np.abs(grads.flat[conv.parameter_slice()]).min() > 0
    # The slope of the image itself (dreaming and fooling nudge it).
    numeric_x = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        keep = x[idx]
        x[idx] = keep + h
        up = plan.loss_value(x, y, loss)
        x[idx] = keep - h
        down = plan.loss_value(x, y, loss)
        x[idx] = keep
        numeric_x[idx] = (up - down) / (2 * h)
    np.testing.assert_allclose(grads.inputs, numeric_x, rtol=1e-5, atol=1e-8)


def test_the_neurons_of_a_shaped_layer_have_no_bias_of_their_own() -> None:
    net, x, y = _net_and_data("8x8-c2k3-p2-3", seed=3)
    plan = compile_network(net)
    assert plan.flat_trainable is not None
    for conv in plan.convs:
        level_bias = plan.levels[conv.target].bias
        assert not level_bias.any()
    settings = TrainSettings(learning_rate=0.5, epochs=3, batch_size=2, loss="squared")
    list(train(plan, x.astype(np.float32), y.astype(np.float32), settings))
    for conv in plan.convs:
        assert not plan.levels[conv.target].bias.any()


def test_a_convnet_learns_and_writes_its_kernels_back() -> None:
    # Vertical bar or horizontal bar, anywhere in a 6x6 image: a job for a shared kernel.
    rng = np.random.default_rng(5)
    images, labels = [], []
    for _ in range(80):
        img = np.zeros((6, 6))
        row, col = rng.integers(0, 6, 2)
        vertical = rng.random() < 0.5
        if vertical:
            img[:, col] = 1
        else:
            img[row, :] = 1
        images.append(img.ravel())
        labels.append([1.0, 0.0] if vertical else [0.0, 1.0])
    x, y = np.array(images, np.float32), np.array(labels, np.float32)
    net = conv_network(parse_network_spec("6x6-c4k3-p2-2"), "relu", "softmax", seed=1)
    before = net.convolutions["conv1"].kernel.copy()
    plan = compile_network(net)
    settings = TrainSettings(learning_rate=0.1, epochs=60, batch_size=8, loss="cross_entropy", momentum=0.9)
    list(train(plan, x, y, settings))
    answers = plan.forward(x).output.argmax(axis=1)
    assert (answers == y.argmax(axis=1)).mean() == 1.0
    plan.write_back(net)
    after = net.convolutions["conv1"].kernel
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(after, plan.convolution("conv1").kernel.astype(np.float64))
    # A fresh compile of the network gives the trained answers.
    again = compile_network(net)
    np.testing.assert_allclose(again.forward(x).output, plan.forward(x).output, rtol=1e-6)


def test_kernels_and_feature_maps_are_readable_by_layer() -> None:
    net = conv_network(parse_network_spec("5x5-c2k3p1-p2-2"), "identity", "identity", seed=1)
    kernel = np.zeros((2, 1, 3, 3))
    kernel[0, 0, 1, 1] = 1.0  # copies the image
    kernel[1, 0, 1, 1] = -2.0
    net.set_convolution_values("conv1", kernel, np.array([0.0, 1.0]))
    plan = compile_network(net, np.float64)
    image = np.arange(25, dtype=float)
    fw = plan.forward(image)
    conv = plan.convolution("conv1")
    assert (conv.kind, conv.in_shape, conv.out_shape) == (ConvKind.CONV2D, (1, 5, 5), (2, 5, 5))
    np.testing.assert_array_equal(conv.kernel, kernel)
    maps = plan.feature_maps(fw, "conv1")
    np.testing.assert_array_equal(maps[0], image.reshape(5, 5))
    np.testing.assert_array_equal(maps[1], 1 - 2 * image.reshape(5, 5))
    np.testing.assert_array_equal(plan.feature_maps(fw, "input"), image.reshape(1, 5, 5))
    pooled = plan.feature_maps(fw, "pool1")
    assert pooled.shape == (2, 2, 2)
    assert pooled[0, 0, 0] == 6.0  # the largest of pixels 0, 1, 5, 6
    assert net.layer_shape("pool1") == (2, 2, 2)
    with pytest.raises(KeyError):
        plan.convolution("output")


def test_a_hand_edit_of_a_kernel_reaches_a_compiled_plan() -> None:
    net = conv_network(parse_network_spec("6x6-c2k3-2"), "relu", "softmax", seed=4)
    plan = compile_network(net)
    net.set_convolution_values("conv1", bias=np.array([0.5, -0.5]))
    plan.read_parameters(net)
    np.testing.assert_array_equal(plan.convolution("conv1").bias, [0.5, -0.5])
    with pytest.raises(GraphError, match="shaped"):
        net.set_convolution_values("conv1", kernel=np.zeros((3, 1, 3, 3)))
    with pytest.raises(GraphError, match="not fed by a convolution"):
        net.set_convolution_values("output", bias=np.zeros(2))


def test_a_shaped_layer_takes_no_single_connections() -> None:
    net = conv_network(parse_network_spec("6x6-c2k3-2"), "relu", "softmax", seed=4)
    reason = net.can_connect("i0", "conv1_0_0_0")
    assert reason is not None and "convolution" in reason
    with pytest.raises(GraphError, match="convolution"):
        net.add_edge(Edge("i0>conv1_0_0_0", "i0", "conv1_0_0_0", 1.0))


def test_removing_a_neuron_of_a_shaped_layer_drops_its_convolution() -> None:
    net = conv_network(parse_network_spec("6x6-c2k3-2"), "relu", "softmax", seed=4)
    net.remove(["conv1_1_3_3"])
    assert "conv1" not in net.convolutions
    # Still a valid network: the layer's neurons are now unconnected hidden neurons.
    compile_network(net)


def test_a_convolution_that_does_not_fit_its_layers_is_refused() -> None:
    neurons = [Neuron(f"i{k}", Role.INPUT, "identity", layer="input") for k in range(16)]
    neurons += [Neuron(f"c{k}", Role.HIDDEN, "relu", layer="maps") for k in range(8)]
    conv = Convolution(ConvKind.CONV2D, "input", "maps", (1, 4, 4), 3, kernel=np.zeros((2, 1, 3, 3)))
    with pytest.raises(GraphError, match="2 x 2 x 2 = 8 values"):
        Network.from_parts(
            neurons[:16] + neurons[16:] + [Neuron("x", Role.HIDDEN, layer="maps")], convolutions=[conv]
        )
    with pytest.raises(ValueError, match="does not fit"):
        Convolution(ConvKind.MAXPOOL, "input", "maps", (1, 4, 4), 5)
    with pytest.raises(ValueError, match="do not fit"):
        Convolution(ConvKind.CONV2D, "input", "maps", (2, 4, 4), 3, kernel=np.zeros((2, 1, 3, 3)))
    net = Network.from_parts(neurons, convolutions=[conv])
    assert net.layer_shape("maps") == (2, 2, 2)


@pytest.mark.parametrize(
    "spec", ["8x8-c2k3-p2-3", "9x9-c2k3s2p1-a2-c3k2-3", "10x10-c2k3-p3s2-4", "7x7-c3k2-a3s2-2"]
)
def test_forward_and_gradients_match_torch(spec: str) -> None:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    net, x, y = _net_and_data(spec, seed=7, activation="tanh", output="identity")
    plan = compile_network(net, np.float64)
    ours = plan.backward(plan.forward(x), y, LOSSES["squared"])
    assert ours.flat is not None

    parsed = parse_network_spec(spec)
    width, height = parsed.grid
    a = torch.tensor(x).reshape(len(x), 1, height, width)
    params = []
    for conv in plan.convs:
        if conv.kind is ConvKind.CONV2D:
            kernel = torch.tensor(conv.kernel, requires_grad=True)
            bias = torch.tensor(conv.bias, requires_grad=True)
            params.append((conv, kernel, bias))
            a = torch.tanh(functional.conv2d(a, kernel, bias, stride=conv.stride, padding=conv.padding))
        elif conv.kind is ConvKind.MAXPOOL:
            a = functional.max_pool2d(a, conv.size, conv.stride)
        else:
            a = functional.avg_pool2d(a, conv.size, conv.stride)
    (block,) = plan.blocks
    weight = torch.tensor(block.W, requires_grad=True)
    out = a.reshape(len(x), -1) @ weight.T
    loss = ((out - torch.tensor(y)) ** 2).sum(dim=1).mean()
    loss.backward()
    np.testing.assert_allclose(plan.forward(x).output, out.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert ours.loss == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(ours.weights[0], weight.grad.numpy(), rtol=1e-9, atol=1e-12)
    for conv, kernel, bias in params:
        grad_kernel, grad_bias = conv.split(ours.flat)
        np.testing.assert_allclose(grad_kernel, kernel.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(grad_bias, bias.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_a_snapshot_of_the_parameters_holds_the_kernels_too() -> None:
    net = conv_network(parse_network_spec("6x6-c2k3-2"), "relu", "softmax", seed=4)
    before = ParameterSnapshot.of(net)
    plan = compile_network(net)
    plan.convolution("conv1").kernel[...] += 1.0
    assert not ParameterSnapshot.from_plan(net, plan).same_as(before)
    plan.write_back(net)
    assert not ParameterSnapshot.of(net).same_as(before)
    before.restore(net)
    assert ParameterSnapshot.of(net).same_as(before)


def test_initialising_draws_new_kernels_from_the_seed() -> None:
    net = conv_network(parse_network_spec("8x8-c3k3-c2k3-2"), "relu", "softmax", seed=4)
    first, second = compile_network(net), compile_network(net)
    initialise(first, "he", seed=9)
    initialise(second, "he", seed=9)
    for name in ("conv1", "conv2"):
        kernel = first.convolution(name).kernel
        assert not np.allclose(kernel, net.convolutions[name].kernel)
        np.testing.assert_array_equal(kernel, second.convolution(name).kernel)
        assert not first.convolution(name).bias.any()


def test_undoing_the_deletion_of_a_conv_layers_neuron_brings_its_convolution_back() -> None:
    net = conv_network(parse_network_spec("6x6-c2k3-p2-2"), "relu", "softmax", seed=4)
    kernel = net.convolutions["conv1"].kernel.copy()
    order = list(net.neurons)
    removed, edges = net.remove(["conv1_1_3_3"])
    assert set(net.convolutions) == set()  # conv1 lost a neuron; pool1 reads conv1
    net.add_neurons([n for _, n in removed], edges, order={n.id: i for i, n in removed})
    assert list(net.convolutions) == ["conv1", "pool1"]
    assert list(net.neurons) == order
    np.testing.assert_array_equal(net.convolutions["conv1"].kernel, kernel)
    plan = compile_network(net)
    assert [c.layer for c in plan.convs] == ["conv1", "pool1"]


def test_a_convnet_with_a_skip_connection_runs_on_the_general_path_with_the_same_gradients() -> None:
    net, x, y = _net_and_data("6x6-c2k3-p2-2", seed=11)
    net.add_edges([Edge(f"i{k}>o{j}", f"i{k}", f"o{j}", 0.1 * (k - j)) for k in (0, 7, 35) for j in (0, 1)])
    plan = compile_network(net, np.float64)
    assert plan._general
    loss = LOSSES["squared"]
    grads = plan.backward(plan.forward(x), y, loss, input_gradient=True)
    h = 1e-6
    for i in np.flatnonzero(plan.flat_trainable > 0):
        keep = plan.flat[i]
        plan.flat[i] = keep + h
        up = plan.loss_value(x, y, loss)
        plan.flat[i] = keep - h
        down = plan.loss_value(x, y, loss)
        plan.flat[i] = keep
        assert grads.flat[i] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)
    keep = x[1, 14]
    x[1, 14] = keep + h
    up = plan.loss_value(x, y, loss)
    x[1, 14] = keep - h
    down = plan.loss_value(x, y, loss)
    x[1, 14] = keep
    assert grads.inputs[1, 14] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8)


def test_the_shown_training_step_moves_the_kernels_down_their_slope() -> None:
    net, x, y = _net_and_data("6x6-c2k3-p2-2", seed=6)
    plan = compile_network(net)
    result = training_step(plan, net, x[0], y[0], "squared", 0.5)
    grad_kernel, grad_bias = plan.convolution("conv1").split(result.gradients.flat)
    old_kernel, old_bias = result.before.kernels["conv1"]
    new_kernel, new_bias = result.after.kernels["conv1"]
    np.testing.assert_allclose(new_kernel, old_kernel - 0.5 * grad_kernel, rtol=1e-6)
    np.testing.assert_allclose(new_bias, old_bias - 0.5 * grad_bias, rtol=1e-6)
    assert not any(nid.startswith("conv1_") for nid in result.new_biases)
    result.after.restore(net)
    np.testing.assert_allclose(net.convolutions["conv1"].kernel, new_kernel)
